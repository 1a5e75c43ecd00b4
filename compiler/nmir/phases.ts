// The phase contract of an NMIR module (metadata "sequence.buffers"): a run as several passes over the clip,
// joined by stored sequences. What a bidirectional layer needs on a chip that runs step by step (README.md).

import { SpikegridError } from "../../common/errors.js";
import { type NmirModule, shapeSize } from "./types.js";

export const SEQUENCE_BUFFERS_KEY = "sequence.buffers";
/** More phases than this is no network spikegrid builds; the bound keeps the derivation linear. */
export const MAX_PHASES = 64;

/**
 * A stored sequence: every step of phase p the source of output `output` is stored (T × n values, n its size);
 * in phase p + `lag` the graded input `input` replays them, in reverse step order when `reverse`.
 */
export interface SequenceBuffer {
  input: string;
  output: string;
  reverse: boolean;
  lag: number;
}

export interface PhasePlan {
  phases: number;
  buffers: SequenceBuffer[];
  /** Phase of each input, population and dynamic matmul; −1: free (reads nothing but free sources). */
  phaseOf: Map<string, number>;
}

const invalid = (message: string) =>
  new SpikegridError("NMIR_INVALID", `${SEQUENCE_BUFFERS_KEY}: ${message}`, {
    hint: "the file was damaged or written by another tool; recompile the model",
  });

/** The buffers the module declares ([] when it is a single-phase module). */
export function sequenceBuffers(ir: NmirModule): SequenceBuffer[] {
  const text = ir.metadata[SEQUENCE_BUFFERS_KEY];
  if (text === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid("is not JSON");
  }
  if (!Array.isArray(raw)) throw invalid("is not a list");
  return raw.map((b, i) => {
    const ok =
      typeof b === "object" &&
      b !== null &&
      typeof b.input === "string" &&
      typeof b.output === "string" &&
      typeof b.reverse === "boolean" &&
      Number.isInteger(b.lag) &&
      b.lag >= 1 &&
      b.lag < MAX_PHASES;
    if (!ok) throw invalid(`entry ${i} is not {input, output, reverse, lag ≥ 1}`);
    return { input: b.input, output: b.output, reverse: b.reverse, lag: b.lag };
  });
}

/** Sources (by id) each population or dynamic matmul reads, itself excluded. */
function sourcesOf(ir: NmirModule): Map<string, Set<string>> {
  const src = new Map<string, Set<string>>();
  for (const p of ir.populations) src.set(p.id, new Set());
  for (const m of ir.dynamicMatmuls) src.set(m.id, new Set([m.a, m.b]));
  for (const p of ir.projections) if (p.src !== p.dst) src.get(p.dst)?.add(p.src);
  return src;
}

/**
 * Phases of every element: module inputs other than buffers are phase 0; a buffer input is the phase of its
 * output's source + lag; a population or dynamic matmul takes the phase of the sources it reads, all of which
 * must agree (free sources — a constant spike source — run in every phase that reads them).
 */
export function phasePlan(ir: NmirModule): PhasePlan {
  const buffers = sequenceBuffers(ir);
  const { phaseOf, sources } = derivePhases(ir, buffers);
  const outputs = new Map(ir.outputs.map((o) => [o.id, o]));
  for (const b of buffers) {
    const src = outputs.get(b.output)!.src;
    if (!phaseOf.has(b.input))
      throw invalid(`buffer "${b.input}" is fed by "${src}", which runs in no phase`);
    const n = ir.inputs.find((i) => i.id === b.input)!.shape;
    const size = sizeOfSource(ir, src);
    if (shapeSize(n) !== size) throw invalid(`"${b.input}" has ${shapeSize(n)} values, "${src}" ${size}`);
  }
  checkPhases(sources, phaseOf);
  const phases = 1 + Math.max(0, ...phaseOf.values());
  return { phases, buffers, phaseOf };
}

function derivePhases(
  ir: NmirModule,
  buffers: SequenceBuffer[],
): { phaseOf: Map<string, number>; sources: Map<string, Set<string>> } {
  const phaseOf = new Map<string, number>();
  const outputs = new Map(ir.outputs.map((o) => [o.id, o]));
  const bufferInputs = new Map(buffers.map((b) => [b.input, b]));
  for (const b of buffers) {
    const port = ir.inputs.find((i) => i.id === b.input);
    if (!port) throw invalid(`"${b.input}" is not an input`);
    if (!outputs.has(b.output)) throw invalid(`"${b.output}" is not an output`);
  }
  for (const i of ir.inputs) if (!bufferInputs.has(i.id)) phaseOf.set(i.id, 0);
  const sources = sourcesOf(ir);
  // each sweep settles at least one more buffer or a longer chain; stop when nothing changes
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of buffers) {
      const p = phaseOf.get(outputs.get(b.output)!.src);
      if (p !== undefined && phaseOf.get(b.input) !== p + b.lag) {
        if (p + b.lag >= MAX_PHASES) throw invalid(`more than ${MAX_PHASES} phases`);
        phaseOf.set(b.input, p + b.lag);
        changed = true;
      }
    }
    for (const [id, srcs] of sources) {
      let p: number | undefined;
      for (const s of srcs) {
        const q = phaseOf.get(s);
        if (q !== undefined && q >= 0) p = Math.max(p ?? 0, q);
      }
      if (p !== undefined && phaseOf.get(id) !== p) {
        phaseOf.set(id, p);
        changed = true;
      }
    }
  }
  for (const id of sources.keys()) if (!phaseOf.has(id)) phaseOf.set(id, -1);
  return { phaseOf, sources };
}

function checkPhases(sources: Map<string, Set<string>>, phaseOf: Map<string, number>): void {
  for (const [id, srcs] of sources) {
    const p = phaseOf.get(id)!;
    for (const s of srcs) {
      const q = phaseOf.get(s) ?? -1;
      if (q >= 0 && q !== p)
        throw invalid(`"${id}" (phase ${p}) reads "${s}" of phase ${q}: only buffers cross phases`);
    }
  }
}

/**
 * A projection from an earlier phase (a residual around a bidirectional layer) becomes a forward buffer: the
 * source is stored in its phase (output `<src>.carry<p>`) and replayed by input `<src>.carry<p>.in` (its event
 * kind and shape) in the reading phase p. Returns `ir` itself when nothing crosses.
 */
export function carryAcrossPhases(ir: NmirModule): NmirModule {
  const buffers = sequenceBuffers(ir);
  if (!buffers.length) return ir;
  const plan = phasePlanLoose(ir);
  const carried = new Map<string, string>(); // `${src}@${phase}` → input id
  const out = { ...ir, inputs: [...ir.inputs], outputs: [...ir.outputs], projections: [...ir.projections] };
  const extra: SequenceBuffer[] = [];
  const taken = new Set(
    [...ir.inputs, ...ir.populations, ...ir.projections, ...ir.outputs, ...ir.dynamicMatmuls].map(
      (x) => x.id,
    ),
  );
  out.projections = ir.projections.map((proj) => {
    const q = plan.get(proj.src) ?? -1;
    const p = plan.get(proj.dst) ?? -1;
    if (q < 0 || q >= p) return proj;
    const key = `${proj.src}@${p}`;
    let input = carried.get(key);
    if (!input) {
      let base = `${proj.src}.carry${p}`;
      for (let i = 2; taken.has(base) || taken.has(`${base}.in`); i++) base = `${proj.src}.carry${p}~${i}`;
      input = `${base}.in`;
      taken.add(base).add(input);
      const src = ir.populations.find((x) => x.id === proj.src) ?? ir.inputs.find((x) => x.id === proj.src);
      const m = ir.dynamicMatmuls.find((x) => x.id === proj.src);
      out.inputs.push({
        id: input,
        shape: src ? [...src.shape] : [m!.m, m!.n],
        event: src ? ("output" in src ? src.output : src.event) : m!.output,
      });
      out.outputs.push({ id: base, src: proj.src, scaleExp: 0 });
      extra.push({ input, output: base, reverse: false, lag: p - q });
      carried.set(key, input);
    }
    return { ...proj, src: input };
  });
  if (!extra.length) return ir;
  return {
    ...out,
    metadata: { ...ir.metadata, [SEQUENCE_BUFFERS_KEY]: JSON.stringify([...buffers, ...extra]) },
  };
}

/** Phases as phasePlan derives them, without the agreement check (what carryAcrossPhases repairs). */
function phasePlanLoose(ir: NmirModule): Map<string, number> {
  return derivePhases(ir, sequenceBuffers(ir)).phaseOf;
}

function sizeOfSource(ir: NmirModule, id: string): number {
  const p = ir.populations.find((x) => x.id === id) ?? ir.inputs.find((x) => x.id === id);
  if (p) return shapeSize(p.shape);
  const m = ir.dynamicMatmuls.find((x) => x.id === id);
  return m ? m.m * m.n : 0;
}

/**
 * Phase k as a module of its own: its inputs, its populations and dynamic matmuls with the free sources they
 * read, the projections between them, and the outputs they drive (free-driven outputs go to the last phase).
 */
export function phaseModule(ir: NmirModule, plan: PhasePlan, k: number): NmirModule {
  const keep = new Set<string>();
  for (const [id, p] of plan.phaseOf) if (p === k) keep.add(id);
  const sources = sourcesOf(ir);
  const stack = [...keep];
  while (stack.length) {
    for (const s of sources.get(stack.pop()!) ?? []) {
      if (plan.phaseOf.get(s) === -1 && !keep.has(s)) {
        keep.add(s);
        stack.push(s);
      }
    }
  }
  const outPhase = (src: string) => {
    const p = plan.phaseOf.get(src) ?? -1;
    return p === -1 ? plan.phases - 1 : p;
  };
  const metadata = { ...ir.metadata };
  delete metadata[SEQUENCE_BUFFERS_KEY];
  return {
    ...ir,
    inputs: ir.inputs.filter((i) => keep.has(i.id)),
    populations: ir.populations.filter((p) => keep.has(p.id)),
    projections: ir.projections.filter((p) => keep.has(p.dst)),
    dynamicMatmuls: ir.dynamicMatmuls.filter((m) => keep.has(m.id)),
    outputs: ir.outputs.filter((o) => outPhase(o.src) === k),
    metadata,
  };
}

/** The module's own inputs and outputs: without the buffers' (what a user feeds and reads). */
export function userPorts(ir: NmirModule): { inputs: string[]; outputs: string[] } {
  const buffers = sequenceBuffers(ir);
  const bin = new Set(buffers.map((b) => b.input));
  const bout = new Set(buffers.map((b) => b.output));
  return {
    inputs: ir.inputs.filter((i) => !bin.has(i.id)).map((i) => i.id),
    outputs: ir.outputs.filter((o) => !bout.has(o.id)).map((o) => o.id),
  };
}

/**
 * Which phases run over the clip in reverse step order: phase 0 runs forward; a buffer input replays its
 * source's phase order, flipped when the buffer is reversed; a phase takes its inputs' order. A phase whose
 * inputs disagree maps to undefined (no single order; not produced by the compiler).
 */
export function reversedPhases(plan: PhasePlan, ir: NmirModule): Map<number, boolean | undefined> {
  const reversed = new Map<number, boolean | undefined>([[0, false]]);
  const outputs = new Map(ir.outputs.map((o) => [o.id, o.src]));
  const byPhase = [...plan.buffers].sort(
    (a, b) => (plan.phaseOf.get(a.input) ?? 0) - (plan.phaseOf.get(b.input) ?? 0),
  );
  for (const b of byPhase) {
    const from = reversed.get(plan.phaseOf.get(outputs.get(b.output)!) ?? 0);
    const phase = plan.phaseOf.get(b.input)!;
    const order = from === undefined ? undefined : from !== b.reverse;
    const had = reversed.get(phase);
    reversed.set(phase, reversed.has(phase) && had !== order ? undefined : order);
  }
  return reversed;
}
