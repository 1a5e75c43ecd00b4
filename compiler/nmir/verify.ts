// verify(ir, stage): the NMIR invariants every pass re-establishes (unique ids, connected ports, consistent
// shapes, no floats and every value within its width once quantized, no delay-0 cycles).

import { SpikegridError } from "../../common/errors.js";
import { ArrayScans } from "./array-scans.js";
import { checkBudgets, NMIR_LIMITS } from "./budgets.js";
import { CONNECTIVITY_KINDS } from "./connectivity.js";
import { describeCycle, findDelayZeroCycles, type SourceInfo, sourceTable } from "./graph.js";
import { checkModelFields, inputPorts, modelOutput, modelParams } from "./model-info.js";
import { NEURON_KINDS } from "./neuron-models.js";
import {
  type DynamicMatmul,
  describeEvent,
  type EventKind,
  NMIR_FORMAT_VERSION,
  type NmirModule,
  type Population,
  type Projection,
  type Stage,
  shapeSize,
} from "./types.js";
import {
  checkArray,
  checkConnectivity,
  checkScale,
  checkShape,
  checkWeights,
  intField,
} from "./verify-parts.js";

/** One violated invariant: the element (`projection "fc1" (in → l1.in)`) and what is wrong with it. */
export interface Problem {
  where: string;
  message: string;
}

const STAGES: readonly Stage[] = ["lowered", "quantized"];

/** Problems listed one by one; past this many only their number is reported (a hostile file has millions). */
export const MAX_LISTED_PROBLEMS = 200;

function checkEvent(what: string, e: EventKind | undefined): string[] {
  if (e?.kind === "spike") return [];
  if (e?.kind === "graded") return intField(`${what} graded bits`, e.bits, 1, 32);
  return [`${what} ${JSON.stringify(e)} must be {kind: "spike"} or {kind: "graded", bits}`];
}

const sameEvent = (a: EventKind, b: EventKind) =>
  a.kind === b.kind && (a.kind === "spike" || (b.kind === "graded" && a.bits === b.bits));

export function projectionLabel(p: Projection): string {
  return `projection "${p.id}" (${p.src} → ${p.dst}.${p.port})`;
}

/**
 * Every violated invariant of `ir` at `stage` (default: the stage the module declares); [] when valid. Past
 * MAX_LISTED_PROBLEMS the last entry says how many more there are.
 */
export function checkNmir(ir: NmirModule, stage: Stage = ir.stage): Problem[] {
  const { problems, unlisted } = collectProblems(ir, stage);
  if (unlisted > 0)
    problems.push({ where: `module "${ir.name}"`, message: `and ${unlisted} more problems not listed` });
  return problems;
}

function collectProblems(ir: NmirModule, stage: Stage): { problems: Problem[]; unlisted: number } {
  const problems: Problem[] = [];
  let unlisted = 0;
  const report = (where: string, messages: readonly string[]) => {
    for (const message of messages) {
      if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ where, message });
      else unlisted++;
    }
  };
  const mod = `module "${ir.name}"`;

  report(mod, intField("formatVersion", ir.formatVersion, 1, NMIR_FORMAT_VERSION));
  if (!STAGES.includes(ir.stage))
    report(mod, [`stage ${JSON.stringify(ir.stage)} must be "lowered" or "quantized"`]);
  else if (ir.stage !== stage) report(mod, [`declares stage "${ir.stage}" but is verified as "${stage}"`]);
  if (ir.dt !== undefined && !(Number.isFinite(ir.dt) && ir.dt > 0))
    report(mod, [`dt = ${ir.dt} must be > 0 seconds`]);
  for (const [k, v] of Object.entries(ir.metadata)) {
    if (typeof v !== "string") report(mod, [`metadata "${k}" must be a string`]);
  }
  checkIds(ir, (m) => report(mod, [m]));

  const sources = sourceTable(ir);
  report(mod, checkBudgets(ir, sources));
  const pops = new Map<string, Population>();
  for (const p of ir.populations) if (!pops.has(p.id)) pops.set(p.id, p);

  for (const i of ir.inputs) {
    report(`input "${i.id}"`, [...checkShape("shape", i.shape), ...checkEvent("event", i.event)]);
  }
  const scans = new ArrayScans();
  for (const p of ir.populations)
    report(`population "${p.id}" (${p.model?.kind})`, checkPopulation(p, stage, scans));

  const connected = new Set<string>();
  for (const p of ir.projections) {
    report(projectionLabel(p), checkProjection(p, sources, pops, stage, scans));
    connected.add(`${p.dst}\u0000${p.port}`);
  }
  for (const p of ir.populations) {
    if (!NEURON_KINDS.includes(p.model?.kind)) continue;
    for (const port of inputPorts(p.model)) {
      if (!connected.has(`${p.id}\u0000${port}`)) {
        report(`population "${p.id}" (${p.model.kind})`, [`port "${port}" has no incoming projection`]);
      }
    }
  }

  for (const d of ir.dynamicMatmuls) {
    const msgs = [
      ...intField("m", d.m, 1),
      ...intField("k", d.k, 1),
      ...intField("n", d.n, 1),
      ...intField("shift", d.shift, 0, 62),
      ...intField("outBits", d.outBits, 1, 32),
      ...checkEvent("output", d.output),
    ];
    if (typeof d.transposeB !== "boolean") msgs.push("transposeB must be a boolean");
    if (d.output?.kind !== "graded" || d.output.bits !== d.outBits) {
      msgs.push(`output must be graded ${d.outBits}-bit (its outBits), not ${JSON.stringify(d.output)}`);
    }
    const operand = (name: "a" | "b", id: string, rows: number, cols: number) => {
      const s = sources.get(id);
      if (!s) msgs.push(`${name} = "${id}" is not an input, population or dynamic matmul`);
      else if (s.size !== rows * cols) {
        msgs.push(`${name} = "${id}" has ${s.size} neurons; ${rows}×${cols} = ${rows * cols} expected`);
      }
    };
    operand("a", d.a, d.m, d.k);
    operand("b", d.b, d.transposeB ? d.n : d.k, d.transposeB ? d.k : d.n);
    if (d.realisation !== undefined) msgs.push(...checkRealisation(d, sources));
    report(`dynamic matmul "${d.id}"`, msgs);
  }

  for (const o of ir.outputs) {
    const msgs = intField("scaleExp", o.scaleExp, -64, 64);
    if (!sources.has(o.src)) msgs.push(`src "${o.src}" is not an input, population or dynamic matmul`);
    report(`output "${o.id}"`, msgs);
  }

  for (const c of findDelayZeroCycles(ir)) {
    report("delay-0 cycle", [
      `${describeCycle(c)}; layer-sync order needs a delay ≥ 1 on one of these edges`,
    ]);
  }
  return { problems, unlisted };
}

/** A term-neuron realisation: a known form, coincidence only of two spike operands, preShift within shift. */
function checkRealisation(d: DynamicMatmul, sources: ReadonlyMap<string, SourceInfo>): string[] {
  const r = d.realisation!;
  if (r.kind !== "termNeurons")
    return [`realisation.kind must be "termNeurons", not ${JSON.stringify(r.kind)}`];
  if (r.form !== "coincidence" && r.form !== "product")
    return [`realisation.form must be "coincidence" or "product", not ${JSON.stringify(r.form)}`];
  const msgs = intField("realisation.preShift", r.preShift, 0, Math.min(62, d.shift));
  const spikes = [d.a, d.b].every((id) => sources.get(id)?.event.kind === "spike");
  if (r.form === "coincidence" && !spikes)
    msgs.push("realisation.form coincidence needs two spike operands; a graded operand needs product terms");
  if (r.form === "coincidence" && r.preShift !== 0)
    msgs.push("realisation.preShift must be 0 for coincidence terms");
  return msgs;
}

function checkIds(ir: NmirModule, problem: (m: string) => void): void {
  const seen = new Map<string, string[]>();
  const note = (kind: string, id: unknown) => {
    if (typeof id !== "string" || id.length === 0) return problem(`a ${kind} has an empty or non-string id`);
    seen.set(id, [...(seen.get(id) ?? []), kind]);
  };
  for (const x of ir.inputs) note("input", x.id);
  for (const x of ir.populations) note("population", x.id);
  for (const x of ir.projections) note("projection", x.id);
  for (const x of ir.dynamicMatmuls) note("dynamic matmul", x.id);
  for (const x of ir.outputs) note("output", x.id);
  for (const [id, kinds] of seen) {
    if (kinds.length > 1) problem(`id "${id}" is used ${kinds.length} times (${kinds.join(", ")})`);
  }
}

function checkPopulation(p: Population, stage: Stage, scans: ArrayScans): string[] {
  const out = checkShape("shape", p.shape);
  if (!NEURON_KINDS.includes(p.model?.kind))
    return [...out, `unknown neuron model ${JSON.stringify(p.model?.kind)}`];
  out.push(...checkEvent("output", p.output));
  const fields = checkModelFields(p.model, stage);
  out.push(...fields);
  if (fields.length > 0) return out; // widths unknown: the parameter ranges cannot be judged
  const expected = modelOutput(p.model);
  if (p.output && !sameEvent(p.output, expected)) {
    out.push(
      `output is ${describeEvent(p.output)} but a ${p.model.kind} population emits ${describeEvent(expected)}`,
    );
  }
  const n = out.length === 0 ? shapeSize(p.shape) : undefined;
  for (const s of modelParams(p.model)) {
    const lengths = n === undefined ? [1] : [1, n];
    out.push(...checkArray(s.values, { ...s, float: "Float64Array", lengths }, stage, scans));
  }
  return out;
}

function checkProjection(
  p: Projection,
  sources: Map<string, SourceInfo>,
  pops: Map<string, Population>,
  stage: Stage,
  scans: ArrayScans,
): string[] {
  const out: string[] = [];
  const src = sources.get(p.src);
  if (!src) out.push(`src "${p.src}" is not an input, population or dynamic matmul`);
  const dst = pops.get(p.dst);
  if (!dst) {
    const other = sources.get(p.dst);
    out.push(
      other
        ? `dst "${p.dst}" is ${other.kind === "input" ? "an input" : "a dynamic matmul"}; projections target populations`
        : `dst "${p.dst}" is not a population`,
    );
  } else if (NEURON_KINDS.includes(dst.model?.kind)) {
    const ports = inputPorts(dst.model);
    if (!ports.includes(p.port)) {
      const list = ports.map((x) => `"${x}"`).join(", ");
      out.push(`port "${p.port}" does not exist on population "${dst.id}" (${dst.model.kind} has ${list})`);
    }
  }
  if (typeof p.delay === "number" && Number.isInteger(p.delay) && p.delay > NMIR_LIMITS.delay)
    out.push(
      `delay = ${p.delay} steps exceeds the NMIR maximum of ${NMIR_LIMITS.delay} (NMIR_LIMITS.delay); recompile without such a long delay`,
    );
  else out.push(...intField("delay", p.delay, 0));
  if (!CONNECTIVITY_KINDS.includes(p.connectivity?.kind)) {
    return [...out, `unknown connectivity ${JSON.stringify(p.connectivity?.kind)}`];
  }
  const dstSize = dst && checkShape("", dst.shape).length === 0 ? shapeSize(dst.shape) : undefined;
  const conn = checkConnectivity(p.connectivity, src?.size, dstSize);
  out.push(...conn.messages);
  if (conn.wellFormed) out.push(...checkWeights(p, stage, scans), ...checkScale(p));
  return out;
}

/** Throws SpikegridError("NMIR_INVALID") with one detail per violated invariant. */
export function verify(ir: NmirModule, stage: Stage = ir.stage): void {
  const { problems, unlisted } = collectProblems(ir, stage);
  if (problems.length === 0) return;
  const n = problems.length + unlisted;
  if (unlisted > 0)
    problems.push({ where: `module "${ir.name}"`, message: `and ${unlisted} more not listed` });
  throw new SpikegridError(
    "NMIR_INVALID",
    `module "${ir.name}" is not valid NMIR at stage "${stage}": ${n} problem${n === 1 ? "" : "s"}`,
    { details: problems },
  );
}
