// Pass shareSums: where several sources reach one port through the same matrix (a per-token linear applied to
// every term of a residual stream, W·a + W·b + …), a sum relay population adds the sources first and the
// matrix is applied once, W·(a + b + …) — integer sums, exact; the chip stores the matrix once, not per source.

import { isSharedConn, sharesWeights } from "../mapping/shared-weights.js";
import {
  type Connectivity,
  createLinear,
  createOneToOne,
  createPopulation,
  createProjection,
  createSparse,
  type NmirModule,
  type Population,
  type Projection,
  shapeSize,
  sourceTable,
} from "../nmir/index.js";
import { alignHops } from "./lower/align-hops.js";
import { payloadBounds } from "./lower/payload-bounds.js";
import { diagnose, type PassContext } from "./pass.js";
import { profileOf, quantContext, quantOptions } from "./quant-plan.js";
import { absRowSums } from "./quant-ranges.js";
import { withAddedStats } from "./quant-stats.js";

const PASS = "shareSums";
const INT32_MAX = 2 ** 31 - 1;

/** Equal fields, typed arrays element by element. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Projections that differ only in their source (and id): same port, matrix, exponents, width and delay. */
function sameButSource(a: Projection, b: Projection): boolean {
  return (
    a.port === b.port &&
    a.delay === b.delay &&
    a.weightBits === b.weightBits &&
    sameValue(a.scale, b.scale) &&
    sameValue(layoutFree(a.connectivity), layoutFree(b.connectivity))
  );
}

/** A rowwise matrix without its source layout: the relay reads each source in its own layout. */
function layoutFree(c: Connectivity): Connectivity {
  return c.kind === "rowwise" ? { ...c, srcTransposed: false } : c;
}

/**
 * One weight-1 synapse per neuron from a source into the relay (laid out as `c` reads it row-major): one-to-one,
 * or a permutation (CSR by source) when a rowwise matrix reads the source transposed ([in, rows] stored).
 */
function relayInput(c: Connectivity, size: number): Connectivity {
  const ones = new Int32Array(size).fill(1);
  if (c.kind !== "rowwise" || !c.srcTransposed) return createOneToOne({ size, weights: ones });
  const [rows, inF] = [c.rows, c.kernel[1]];
  const colIdx = new Int32Array(size);
  for (let r = 0; r < rows; r++) for (let f = 0; f < inF; f++) colIdx[f * rows + r] = r * inF + f;
  return createSparse({
    inSize: size,
    outSize: size,
    rowPtr: Int32Array.from({ length: size + 1 }, (_, i) => i),
    colIdx,
    weights: ones,
  });
}

/** Groups of ≥ 2 projections into one port that differ only in their source. */
function sharedGroups(ir: NmirModule): Projection[][] {
  const byPort = new Map<string, Projection[]>();
  for (const p of ir.projections) {
    if (p.src === p.dst) continue;
    const key = `${p.dst}\u0000${p.port}\u0000${p.delay}\u0000${p.connectivity.kind}\u0000${p.connectivity.weights.length}`;
    byPort.set(key, [...(byPort.get(key) ?? []), p]);
  }
  const groups: Projection[][] = [];
  for (const list of byPort.values()) {
    const open: Projection[][] = [];
    for (const p of list) {
      const g = open.find((x) => sameButSource(x[0]!, p) && !x.some((q) => q.src === p.src));
      if (g) g.push(p);
      else open.push([p]);
    }
    groups.push(...open.filter((g) => g.length >= 2));
  }
  return groups;
}

/** Why summing first would not equal the projections' sum bit for bit, or undefined when it does. */
function inexact(group: Projection[], bounds: ReadonlyMap<string, number>): string | undefined {
  const p = group[0]!;
  const exps = p.scale.kind === "perProjection" ? [p.scale.exp] : Array.from(p.scale.exps);
  // a negative exponent rounds each accumulator: the rounded sum differs from the sum of rounded terms
  if (exps.some((e) => e < 0)) return "a negative weight exponent rounds each source's sum";
  const total = group.reduce((s, q) => s + bounds.get(q.src)!, 0);
  const row = Math.max(0, ...absRowSums(p.connectivity));
  if (row * total * 2 ** Math.max(...exps) > INT32_MAX)
    return "the summed input could saturate the accumulator";
  if (sumBits(total) > 32) return "the sum needs more than 32-bit payloads";
  return undefined;
}

/** Signed payload bits holding every sum of magnitude ≤ total. */
const sumBits = (total: number) => Math.max(2, Math.ceil(Math.log2(total + 1)) + 1);

/** Whether the copies cost more than the relay: always for a shared kernel, else by synapses. */
function worthIt(group: Projection[], srcSize: number): boolean {
  const c = group[0]!.connectivity;
  if (isSharedConn(c)) return true;
  return (group.length - 1) * c.weights.length > group.length * srcSize;
}

/**
 * With `options.shareSums: true` (and a profile, if any, that stores shared matrices once per core): each group of projections into one port that differ only in their source
 * becomes a sum relay `<dst>.<port>.sum` (a `linear` population wide enough for the sum, fed one-to-one with
 * weight 1) and one projection from it. Layer-sync: same step; pipelined: outputs later by the relays' hops,
 * joins kept aligned by identity relays (lower/align-hops.ts), as lowerAttention does.
 */
export function shareSums(ir: NmirModule, ctx: PassContext = quantContext()): NmirModule {
  if (ir.stage !== "quantized") return ir;
  const option = ctx.options.shareSums;
  // Off by default: measured on the CIFAR transformers (bench/README.md), the hop relays pipelined mode needs
  // outweigh the matrix copies saved (loihi2 339 → 331 cores on fwformer-1dfft but 355 → 386 on 2dfft;
  // spinnaker2, neuron-bound, 5,192 → 10,184). Only where the profile shares matrices.
  const profile = profileOf(quantOptions(ctx).profile);
  const enabled = option === true && (profile === undefined || sharesWeights(profile.core.memoryModel));
  if (!enabled) return ir;
  const groups = sharedGroups(ir);
  if (groups.length === 0) return ir;
  const sources = sourceTable(ir);
  const bounds = payloadBounds(ir);
  const taken = new Set(sources.keys());
  const unique = (base: string) => {
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}${i}`;
    taken.add(id);
    return id;
  };
  const drop = new Set<Projection>();
  const relays: Population[] = [];
  const added: Projection[] = [];
  const skipped: string[] = [];
  const copies = new Map<string, string>(); // the one matrix → a copy it replaces, for its quantization stats
  for (const group of groups) {
    const p = group[0]!;
    const srcSize = sources.get(p.src)!.size;
    if (!worthIt(group, srcSize)) continue;
    const why = inexact(group, bounds);
    if (why) {
      skipped.push(`${p.dst}.${p.port} (${group.length} sources): ${why}`);
      continue;
    }
    const total = group.reduce((s, q) => s + bounds.get(q.src)!, 0);
    const id = unique(`${p.dst}.${p.port}.sum`);
    relays.push(
      createPopulation({
        id,
        shape:
          p.connectivity.kind === "rowwise"
            ? [p.connectivity.rows, p.connectivity.kernel[1]]
            : [...sources.get(p.src)!.shape],
        model: createLinear({ outBits: sumBits(total) }),
      }),
    );
    for (const [i, q] of group.entries()) {
      drop.add(q);
      added.push(
        createProjection({
          id: `${id}.in${i}`,
          src: q.src,
          dst: id,
          connectivity: relayInput(q.connectivity, srcSize),
          weightBits: 2,
          delay: q.delay,
        }),
      );
    }
    copies.set(`${id}.out`, p.id);
    added.push({ ...p, id: `${id}.out`, src: id, delay: 0, connectivity: layoutFree(p.connectivity) });
  }
  for (const s of skipped) diagnose(ctx, PASS, "note", `no sum relay for ${s}`);
  if (relays.length === 0) return ir;
  const summed: NmirModule = {
    ...ir,
    populations: [...ir.populations, ...relays],
    projections: [...ir.projections.filter((q) => !drop.has(q)), ...added],
  };
  const aligned = alignHops(summed, new Set(relays.map((r) => r.id)));
  if (aligned.loop !== undefined) {
    diagnose(
      ctx,
      PASS,
      "note",
      `no sum relays: a loop passes through ${aligned.loop}, so pipelined mode could not stay aligned`,
    );
    return ir;
  }
  const neurons = relays.reduce((s, r) => s + shapeSize(r.shape), 0);
  diagnose(
    ctx,
    PASS,
    "note",
    `${relays.length} sum relay(s) apply a shared matrix once to the sum of its ${drop.size} sources ` +
      `(+${neurons.toLocaleString("en-US")} relay neurons, −${(drop.size - relays.length).toLocaleString("en-US")} matrix copies); ` +
      `pipelined: outputs ${aligned.steps} step(s) later, joins aligned by ${aligned.relayNeurons.toLocaleString("en-US")} relay neurons`,
  );
  const summary = {
    relays: relays.length,
    relayNeurons: neurons,
    removedCopies: drop.size - relays.length,
    pipelinedSteps: aligned.steps,
    hopNeurons: aligned.relayNeurons,
  };
  // the fan-ins and hop relays are exact weight-1 wiring; the one matrix is rounded as its copies were
  const out = { ...aligned.ir, metadata: { ...ir.metadata, shareSums: JSON.stringify(summary) } };
  return withAddedStats(out, ir, copies);
}
