// The things the mapper places: every population and every dynamic matmul of an NMIR module, in module
// (layer) order, with the projections that feed them and the number of outgoing connections.

import {
  type DynamicMatmul,
  type NmirModule,
  type Projection,
  shapeSize,
  sourceTable,
  stateVars,
} from "../nmir/index.js";
import { type AbsorbedPool, poolRecords } from "../passes/lower/pool-record.js";

export interface MapNode {
  id: string;
  kind: "population" | "matmul";
  size: number;
  /** Σ of the declared widths of the per-neuron state variables. */
  stateBitsPerNeuron: number;
  /** Widest single state variable. */
  widestState: number;
  incoming: Projection[];
  /** Ids of the nodes that read this one (projections and matmul operands), with repeats. */
  readers: string[];
  /** Read by an output port and by nothing else (Xylo output neurons). */
  outputOnly: boolean;
  /** Emits graded events. */
  graded: boolean;
  /** Payload width of a graded population's events. */
  payloadBits?: number;
  product: boolean;
  /** What a `function` population's table evaluates (its `fn`); absent for other kinds. */
  table?: string;
  /** A matmul's dimensions: output [m, n] = A [m, k] · B [k, n]. */
  matmul?: { m: number; k: number; n: number };
  /** Operand ids of a matmul. */
  operands: string[];
  /** A matmul whose operands both send binary spikes (coincidence neurons can lower it). */
  binaryOperands?: boolean;
  /** A matmul realised by counted term neurons: the NMIR matmul (term-nodes.ts builds what it stands for). */
  termsOf?: DynamicMatmul;
  /** Pooling absorbed by incoming projections, by projection id (lowerToNmir's `pool.<id>` metadata). */
  pools?: ReadonlyMap<string, AbsorbedPool>;
}

export function mapNodes(ir: NmirModule): MapNode[] {
  const readers = new Map<string, string[]>();
  const addReader = (src: string, dst: string) => {
    const list = readers.get(src) ?? [];
    list.push(dst);
    readers.set(src, list);
  };
  for (const p of ir.projections) addReader(p.src, p.dst);
  for (const m of ir.dynamicMatmuls) {
    addReader(m.a, m.id);
    addReader(m.b, m.id);
  }
  const outputs = new Set(ir.outputs.map((o) => o.src));
  const records = poolRecords(ir.metadata);
  const base = (id: string) => {
    const r = readers.get(id) ?? [];
    return { readers: r, outputOnly: r.length === 0 && outputs.has(id) };
  };
  const pops: MapNode[] = ir.populations.map((p) => {
    const vars = stateVars(p.model);
    const incoming = ir.projections.filter((q) => q.dst === p.id);
    const pools = new Map(incoming.flatMap((q) => (records.has(q.id) ? [[q.id, records.get(q.id)!]] : [])));
    return {
      id: p.id,
      kind: "population",
      size: shapeSize(p.shape),
      stateBitsPerNeuron: vars.reduce((a, v) => a + v.bits, 0),
      widestState: vars.reduce((a, v) => Math.max(a, v.bits), 0),
      incoming,
      graded: p.output.kind === "graded",
      ...(p.output.kind === "graded" ? { payloadBits: p.output.bits } : {}),
      product: p.model.kind === "product",
      ...(p.model.kind === "function" ? { table: p.model.fn } : {}),
      operands: [],
      ...(pools.size > 0 ? { pools } : {}),
      ...base(p.id),
    };
  });
  const events = ir.dynamicMatmuls.length > 0 ? sourceTable(ir) : undefined;
  const spikes = (id: string) => events?.get(id)?.event.kind === "spike";
  const mms: MapNode[] = ir.dynamicMatmuls.map((m) => ({
    id: m.id,
    kind: "matmul",
    size: m.m * m.n,
    stateBitsPerNeuron: 0,
    widestState: 0,
    incoming: [],
    graded: true,
    product: false,
    operands: [m.a, m.b],
    binaryOperands: spikes(m.a) && spikes(m.b),
    matmul: { m: m.m, k: m.k, n: m.n },
    ...(m.realisation ? { termsOf: m } : {}),
    ...base(m.id),
  }));
  return [...pops, ...mms];
}

/** Neurons of every input port, population and matmul by id (matmul operands count as input axons). */
export function sourceSizes(ir: NmirModule): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of ir.inputs) m.set(i.id, shapeSize(i.shape));
  for (const p of ir.populations) m.set(p.id, shapeSize(p.shape));
  for (const d of ir.dynamicMatmuls) m.set(d.id, d.m * d.n);
  return m;
}
