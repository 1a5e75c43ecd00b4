// Hop alignment for lowerAttention: a lowered matmul is two populations where the matmul was one unit, which in
// pipelined mode (every hop one step) delays its result one step. Relay populations on every shallower path
// (operands, residuals, outputs) keep all joins on the same frame, with no effect in layer-sync mode.

import {
  createLinear,
  createOneToOne,
  createPopulation,
  createProjection,
  createThreshold,
  type NmirModule,
  type Population,
  type Projection,
  shapeSize,
  sourceTable,
} from "../../nmir/index.js";

export interface AlignResult {
  ir: NmirModule;
  /** Extra pipelined steps of every output (all equal after alignment); 0 when nothing was lowered. */
  steps: number;
  relayNeurons: number;
  relaySynapses: number;
  /** Set when a loop passes through a lowered matmul, so no alignment exists; the module is returned as is. */
  loop?: string;
}

/**
 * Extra hops e(x) of every source relative to the unlowered module: inputs 0, a population the largest e of
 * what it reads (itself excepted) plus 1 when it is a lowered matmul's accumulator, a dynamic matmul the
 * larger of its operands'. Then every projection, matmul operand and output reading a shallower source reads
 * it through a chain of e(reader) − e(source) identity relays `<source>.hop<i>` (delay-0 edges: same step in
 * layer-sync mode, one step each in pipelined mode). Outputs are aligned to the deepest output.
 */
export function alignHops(ir: NmirModule, accumulators: ReadonlySet<string>): AlignResult {
  const sources = sourceTable(ir);
  const e = new Map<string, number>([...sources.keys()].map((id) => [id, 0]));
  const incoming = new Map<string, string[]>();
  for (const p of ir.projections) {
    if (p.src !== p.dst) incoming.set(p.dst, [...(incoming.get(p.dst) ?? []), p.src]);
  }
  const level = (id: string) => e.get(id)!;
  let changed = true;
  for (let round = 0; changed; round++) {
    if (round > sources.size + 1) {
      const ids = [...accumulators].join(", ");
      return { ir, steps: 0, relayNeurons: 0, relaySynapses: 0, loop: ids };
    }
    changed = false;
    const set = (id: string, v: number) => {
      if (v !== level(id)) {
        e.set(id, v);
        changed = true;
      }
    };
    for (const p of ir.populations) {
      const base = Math.max(0, ...(incoming.get(p.id) ?? []).map(level));
      set(p.id, base + (accumulators.has(p.id) ? 1 : 0));
    }
    for (const d of ir.dynamicMatmuls) set(d.id, Math.max(level(d.a), level(d.b)));
  }

  const relays: Population[] = [];
  const links: Projection[] = [];
  const made = new Map<string, string>();
  /** The source `hops` relays behind `src` (creating the chain on first use). */
  const behind = (src: string, hops: number): string => {
    let at = src;
    for (let h = 1; h <= hops; h++) {
      const id = `${src}.hop${h}`;
      if (!made.has(id)) {
        const s = sources.get(src)!;
        const model =
          s.event.kind === "spike"
            ? createThreshold({ vth: 1, fire: "ge" })
            : createLinear({ outBits: s.event.bits });
        relays.push(createPopulation({ id, shape: [...s.shape], model }));
        const size = s.size;
        links.push(
          createProjection({
            id: `${id}.in`,
            src: at,
            dst: id,
            connectivity: createOneToOne({ size, weights: new Int32Array(size).fill(1) }),
            weightBits: 2,
          }),
        );
        made.set(id, at);
      }
      at = id;
    }
    return at;
  };
  const projections = ir.projections.map((p) => {
    const need = p.src === p.dst ? 0 : level(p.dst) - (accumulators.has(p.dst) ? 1 : 0) - level(p.src);
    return need > 0 ? { ...p, src: behind(p.src, need) } : p;
  });
  const dynamicMatmuls = ir.dynamicMatmuls.map((d) => {
    const top = level(d.id);
    return { ...d, a: behind(d.a, top - level(d.a)), b: behind(d.b, top - level(d.b)) };
  });
  const steps = Math.max(0, ...ir.outputs.map((o) => level(o.src)));
  const outputs = ir.outputs.map((o) => ({ ...o, src: behind(o.src, steps - level(o.src)) }));
  const relayNeurons = relays.reduce((s, r) => s + shapeSize(r.shape), 0);
  return {
    ir: {
      ...ir,
      populations: [...ir.populations, ...relays],
      projections: [...projections, ...links],
      dynamicMatmuls,
      outputs,
    },
    steps,
    relayNeurons,
    relaySynapses: relayNeurons,
  };
}
