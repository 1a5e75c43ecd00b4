// fast-check arbitraries of random *valid* NMIR modules (every neuron and connectivity kind, delays without
// delay-0 cycles, small sizes), shared by the NMIR, mapping and simulator tests.

import fc from "fast-check";
import { assertNever } from "../../common/errors.js";
import { Draw, randomModel } from "./arbitrary-models.js";
import {
  CONNECTIVITY_KINDS,
  type Connectivity,
  createConv1d,
  createConv2d,
  createRowwise,
  outChannels,
} from "./connectivity.js";
import {
  createDynamicMatmul,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
} from "./factories.js";
import { inputPorts } from "./model-info.js";
import { NEURON_KINDS } from "./neuron-models.js";
import { type EventKind, type NmirModule, type Scale, type Stage, shapeSize } from "./types.js";

export interface NmirArbOptions {
  /** Fixed stage; both when omitted. */
  stage?: Stage;
  /** Populations per module, 1..max (default 4). */
  maxPopulations?: number;
}

/** Largest population or matmul output the generator makes, so weight arrays stay small. */
const MAX_NODE = 48;

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** A connectivity reading `src` (its shape) and the destination shape it implies. */
function connectivity(
  d: Draw,
  src: number[],
  kind: Connectivity["kind"],
  bits: number,
): [Connectivity, number[]] {
  const n = shapeSize(src);
  switch (kind) {
    case "dense": {
      const outSize = d.int(1, 8);
      return [{ kind, inSize: n, outSize, weights: d.weights(n * outSize, bits) }, [outSize]];
    }
    case "sparse": {
      const outSize = d.int(1, 8);
      return [sparse(d, n, outSize, bits), [outSize]];
    }
    case "conv1d": {
      const c = d.pick(divisors(n));
      const len = n / c;
      const groups = d.pick(divisors(c));
      const cout = groups * d.int(1, 2);
      const [k, stride, dilation] = [d.int(1, 3), d.int(1, 2), d.int(1, 2)];
      // Enough padding that at least one output position exists.
      const padding = Math.max(d.int(0, 2), Math.ceil((dilation * (k - 1) + 1 - len) / 2));
      const kernel: [number, number, number] = [cout, c / groups, k];
      const weights = d.weights(cout * (c / groups) * k, bits);
      const conv = createConv1d({ inShape: [c, len], kernel, weights, stride, padding, dilation, groups });
      return [conv, [...conv.outShape]];
    }
    case "conv2d": {
      const c = d.pick(divisors(n));
      const h = d.pick(divisors(n / c));
      const w = n / c / h;
      const groups = d.pick(divisors(c));
      const cout = groups * d.int(1, 2);
      const [kh, kw] = [d.int(1, 3), d.int(1, 3)];
      const stride: [number, number] = [d.int(1, 2), d.int(1, 2)];
      const dilation: [number, number] = [d.int(1, 2), d.int(1, 2)];
      const padding: [number, number] = [
        Math.max(d.int(0, 1), Math.ceil((dilation[0] * (kh - 1) + 1 - h) / 2)),
        Math.max(d.int(0, 1), Math.ceil((dilation[1] * (kw - 1) + 1 - w) / 2)),
      ];
      const kernel: [number, number, number, number] = [cout, c / groups, kh, kw];
      const weights = d.weights(cout * (c / groups) * kh * kw, bits);
      const conv = createConv2d({ inShape: [c, h, w], kernel, weights, stride, padding, dilation, groups });
      return [conv, [...conv.outShape]];
    }
    case "oneToOne":
      return [{ kind, size: n, weights: d.weights(d.bool() ? 1 : n, bits) }, [...src]];
    case "rowwise": {
      const rows = d.pick(divisors(n));
      const nIn = n / rows;
      const nOut = d.int(1, 4);
      const weights = d.weights(nOut * nIn, bits);
      const conn = createRowwise({
        rows,
        kernel: [nOut, nIn],
        weights,
        srcTransposed: d.bool(),
        dstTransposed: d.bool(),
      });
      return [conn, [rows, nOut]];
    }
    default:
      return assertNever(kind, "connectivity kind");
  }
}

function scale(d: Draw, conn: Connectivity): Scale {
  if (d.bool()) return { kind: "perProjection", exp: d.int(-8, 8) };
  return { kind: "perChannel", exps: d.ints(outChannels(conn), -8, 8) };
}

/** CSR with 0..3 synapses per source row (repeats allowed: they add). */
function sparse(d: Draw, inSize: number, outSize: number, bits: number): Connectivity {
  const rows = Array.from({ length: inSize }, () =>
    Array.from({ length: d.int(0, 3) }, () => d.int(0, outSize - 1)),
  );
  const rowPtr = new Int32Array(inSize + 1);
  rows.forEach((r, i) => {
    rowPtr[i + 1] = rowPtr[i]! + r.length;
  });
  const colIdx = Int32Array.from(rows.flat());
  return { kind: "sparse", inSize, outSize, rowPtr, colIdx, weights: d.weights(colIdx.length, bits) };
}

interface Node {
  id: string;
  shape: number[];
}

function build(d: Draw, maxPopulations: number): NmirModule {
  const m = createModule({ name: `arb-${d.int(0, 999)}`, stage: d.stage });
  if (d.bool()) m.dt = d.int(1, 10) / 1000;
  if (d.bool()) m.metadata = { source: "fast-check", note: d.pick(["a", "ünïcode ✓", ""]) };
  // Creation order is a topological order: delay-0 edges only go from an earlier to a later node.
  const nodes: Node[] = [];
  const event = (): EventKind => (d.bool() ? { kind: "spike" } : { kind: "graded", bits: d.int(1, 16) });

  for (let i = 0, n = d.int(1, 2); i < n; i++) {
    const shape = Array.from({ length: d.int(1, 3) }, () => d.int(1, 3));
    m.inputs.push(createInput(`in${i}`, shape, event()));
    nodes.push({ id: `in${i}`, shape });
  }
  const project = (src: Node, dst: Node, port: string, conn: Connectivity, bits: number, delay: number) => {
    const id = `proj${m.projections.length}`;
    m.projections.push(
      createProjection({
        id,
        src: src.id,
        dst: dst.id,
        port,
        connectivity: conn,
        weightBits: bits,
        scale: scale(d, conn),
        delay,
      }),
    );
  };
  /** A projection from `src` onto an existing `dst` of any shape (dense, sparse; oneToOne if sizes agree). */
  const extra = (src: Node, dst: Node, port: string, delay: number) => {
    const [inSize, outSize] = [shapeSize(src.shape), shapeSize(dst.shape)];
    const bits = d.int(1, 16);
    const kind = d.pick(inSize === outSize ? ["dense", "sparse", "oneToOne"] : ["dense", "sparse"]);
    const conn: Connectivity =
      kind === "dense"
        ? { kind, inSize, outSize, weights: d.weights(inSize * outSize, bits) }
        : kind === "sparse"
          ? sparse(d, inSize, outSize, bits)
          : { kind: "oneToOne", size: outSize, weights: d.weights(d.bool() ? 1 : outSize, bits) };
    project(src, dst, port, conn, bits, delay);
  };

  /** A dynamic matmul over earlier nodes, when one with a small enough output exists. */
  const matmul = () => {
    const a = d.pick(nodes);
    const k = d.pick(divisors(shapeSize(a.shape)));
    const mm = shapeSize(a.shape) / k;
    // Keep the product small: matmuls of matmuls would otherwise grow without bound.
    const bs = nodes.filter((x) => shapeSize(x.shape) % k === 0 && mm * (shapeSize(x.shape) / k) <= MAX_NODE);
    if (bs.length === 0) return;
    const b = d.pick(bs);
    const nn = shapeSize(b.shape) / k;
    const id = `mm${m.dynamicMatmuls.length}`;
    const dm = createDynamicMatmul({
      id,
      a: a.id,
      b: b.id,
      m: mm,
      k,
      n: nn,
      transposeB: d.bool(),
      shift: d.int(0, 8),
      outBits: d.int(1, 16),
    });
    m.dynamicMatmuls.push(dm);
    nodes.push({ id, shape: [mm, nn] });
  };

  for (let p = 0, np = d.int(1, maxPopulations); p < np; p++) {
    if (d.int(0, 3) === 0) matmul();
    const src = d.pick(nodes);
    const bits = d.int(1, 16);
    let [conn, shape] = connectivity(d, src.shape, d.pick(CONNECTIVITY_KINDS), bits);
    if (shapeSize(shape) > MAX_NODE) [conn, shape] = connectivity(d, src.shape, "dense", bits);
    const kind = d.pick(NEURON_KINDS);
    const dst: Node = { id: `pop${p}`, shape };
    m.populations.push(
      createPopulation({ id: dst.id, shape, model: randomModel(d, kind, shapeSize(shape)) }),
    );
    const ports = kind === "product" ? ["a", "b"] : ["in"];
    project(src, dst, ports[0]!, conn, bits, d.int(0, 2));
    if (kind === "product") extra(d.pick(nodes), dst, "b", d.int(0, 2));
    nodes.push(dst);
  }

  for (let e = 0, ne = d.int(0, 3); e < ne; e++) {
    const src = d.pick(nodes);
    const dst = d.pick(m.populations);
    const later = nodes.findIndex((x) => x.id === src.id) >= nodes.findIndex((x) => x.id === dst.id);
    extra(src, dst, d.pick(inputPorts(dst.model)), later ? d.int(1, 3) : d.int(0, 2));
  }
  for (let o = 0, no = d.int(1, 2); o < no; o++)
    m.outputs.push(createOutput(`out${o}`, d.pick(nodes).id, d.int(-8, 8)));
  return m;
}

/** Random valid NMIR modules; they pass `verify(m)` at their stage. */
export function nmirModuleArb(opts: NmirArbOptions = {}): fc.Arbitrary<NmirModule> {
  const stageArb = opts.stage ? fc.constant(opts.stage) : fc.constantFrom<Stage>("lowered", "quantized");
  return fc
    .tuple(stageArb, fc.gen())
    .map(([stage, g]) => build(new Draw(g, stage), opts.maxPopulations ?? 4));
}

export { neuronModelArb } from "./arbitrary-models.js";
