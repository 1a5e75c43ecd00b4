// `simulate --engine reference --compare-float SOURCE`: runs the float NetGraph reference of the network a .nmir
// was compiled from on the same inputs and measures what quantization cost in behaviour — output error, spike
// agreement per population, argmax agreement — for run.json (`quantization.agreement`) and a short table.

import { SpikegridError } from "../../common/errors.js";
import type { ClipStart, NetGraph } from "../../compiler/graph/index.js";
import { type InputPort, layerSyncOrder, type NmirModule, shapeSize } from "../../compiler/nmir/index.js";
import { phasePlan, reversedPhases, sequenceBuffers, userPorts } from "../../compiler/nmir/phases.js";
import { agreement } from "../../compiler/passes/quantization-agreement.js";
import { inputScaleExp } from "../../compiler/passes/quantize-inputs.js";
import { loadNetwork } from "../../pipeline/load-network.js";
import type { RunAgreement } from "../../reports/run-json.js";
import { renderTable } from "../../reports/terminal/table.js";
import { flattenGraph, runFloat } from "../../simulator/float/index.js";
import type { ReferenceRunResult, StepEvents, TimestepMode } from "../../simulator/reference/index.js";
import { nirConventionArg, resetModeArg } from "../shared.js";
import { zooOverrides } from "../zoo-set.js";

export interface FloatComparison {
  source: string;
  graph: NetGraph;
  /** Step of the float reference: --dt, else the module's dt (what it was compiled with), else the graph's. */
  dt?: number;
  /** The module's `metadata.clipStart` (absent: "gate"): the float reference streams the same way. */
  clipStart?: ClipStart;
  /** NMIR input id → Input node id of the source graph. */
  inputIds: Map<string, string>;
  /** Spiking populations whose id is a node of the source graph (lowerToNmir keeps node ids): compared. */
  record: string[];
  /**
   * A phased module (bidirectional layers as buffered passes): the float reference runs the clip whole (S4's
   * two-sided kernel) and only the user's inputs and outputs are matched.
   */
  phased?: boolean;
  warnings: string[];
}

/** Loads SOURCE with the same flags the .nmir was compiled with and matches its inputs and populations. */
export async function prepareFloatComparison(
  source: string,
  ir: NmirModule,
  args: Record<string, unknown>,
): Promise<FloatComparison> {
  const dtArg = args.dt === undefined ? undefined : Number(args.dt);
  const net = await loadNetwork(source, {
    resetMode: resetModeArg(args["reset-mode"]),
    weights: args.weights as string | undefined,
    nirConvention: nirConventionArg(args["nir-convention"]),
    ...(dtArg === undefined ? {} : { dt: dtArg }),
    overrides: zooOverrides(source, args.set),
  });
  return floatComparisonOf(source, net.graph, ir, [...net.warnings], dtArg);
}

/** Matches the inputs and populations of module `ir` to the float graph it was compiled from. */
export function floatComparisonOf(
  source: string,
  graph: NetGraph,
  ir: NmirModule,
  warnings: string[],
  dtArg?: number,
): FloatComparison {
  // Subgraph members are recorded under their flat `sub.inner` ids, as the lowering names them.
  const nodes = flattenGraph(graph).nodes;
  const graphInputs = [...nodes].filter(([, n]) => n.kind === "Input");
  const phased = sequenceBuffers(ir).length > 0;
  const users = new Set(userPorts(ir).inputs);
  const ports = phased ? ir.inputs.filter((i) => users.has(i.id)) : ir.inputs;
  const inputIds = new Map<string, string>();
  for (const port of ports) {
    const match = nodes.get(port.id)?.kind === "Input" ? port.id : undefined;
    const only = ports.length === 1 && graphInputs.length === 1 ? graphInputs[0]![0] : undefined;
    const id = match ?? only;
    const node = id === undefined ? undefined : nodes.get(id);
    if (id === undefined || node?.kind !== "Input" || shapeSize(node.shape) !== shapeSize(port.shape)) {
      throw new SpikegridError(
        "USAGE",
        `--compare-float ${source}: it has no input matching "${port.id}" [${port.shape.join(",")}]`,
        { hint: "give the network file the .nmir was compiled from, with the same --weights/--reset-mode" },
      );
    }
    inputIds.set(port.id, id);
  }
  let record = ir.populations.filter((p) => p.output.kind === "spike" && nodes.has(p.id)).map((p) => p.id);
  if (phased) {
    const forwardPhase = forwardPhases(ir);
    const skipped = record.filter((id) => !forwardPhase(id));
    if (skipped.length)
      warnings.push(
        `${skipped.length} population(s) run in a reversed pass over the clip (${skipped.slice(0, 3).join(", ")}${skipped.length > 3 ? ", …" : ""}): their spikes are not compared`,
      );
    record = record.filter(forwardPhase);
  }
  const dt = dtArg ?? ir.dt;
  if (dtArg !== undefined && ir.dt !== undefined && Math.abs(dtArg - ir.dt) > 1e-12 * ir.dt) {
    warnings.push(`--dt ${dtArg} differs from the module's dt ${ir.dt}: the float reference runs with --dt`);
  }
  const clipStart: ClipStart = ir.metadata.clipStart === "free" ? "free" : "gate";
  return {
    source,
    graph,
    ...(dt === undefined ? {} : { dt }),
    clipStart,
    inputIds,
    record,
    ...(phased ? { phased } : {}),
    warnings,
  };
}

/** Whether an element of a phased module runs in a pass that steps the clip forward (records in clip order). */
function forwardPhases(ir: NmirModule): (id: string) => boolean {
  const plan = phasePlan(ir);
  const reversed = reversedPhases(plan, ir);
  return (id) => reversed.get(plan.phaseOf.get(id) ?? 0) === false;
}

/**
 * What the float reference reads for one input: spikes as the module read them (nonzero → 1); graded values
 * as given, or dequantized (q · 2^scaleExp) when the file holds the integer events (--raw-input).
 */
export function floatReadings(
  ir: NmirModule,
  port: InputPort,
  given: ArrayLike<number>,
  moduleData: ArrayLike<number>,
  raw: boolean,
): { values: ArrayLike<number>; kind: RunAgreement["inputs"] } {
  if (port.event.kind === "spike") return { values: moduleData, kind: "float" };
  if (!raw) return { values: given, kind: "float" };
  const f = 2 ** inputScaleExp(ir, port.id);
  return { values: Float64Array.from(moduleData, (q) => q * f), kind: "dequantized" };
}

/**
 * Steps by which each source's events trail the layer-sync run: 0 in layer-sync; in pipelined mode every
 * delay-0 projection (and dynamic matmul) adds one step, so a population's lag is the largest count of them
 * from an input. A population reached by paths of different lags is not a pure shift of layer-sync.
 */
export function pipelineLags(ir: NmirModule, mode: TimestepMode): Map<string, number> {
  const lag = new Map<string, number>(ir.inputs.map((i) => [i.id, 0]));
  const dms = new Map(ir.dynamicMatmuls.map((d) => [d.id, d]));
  for (const id of layerSyncOrder(ir)) {
    let l = 0;
    if (mode === "pipelined") {
      const d = dms.get(id);
      if (d) l = Math.max(lag.get(d.a) ?? 0, lag.get(d.b) ?? 0) + 1;
      for (const p of ir.projections) {
        // Back edges (src not ordered yet) read earlier steps in both modes and set no lag.
        const s = p.dst === id ? lag.get(p.src) : undefined;
        if (s !== undefined) l = Math.max(l, s + (p.delay === 0 ? 1 : 0));
      }
    }
    lag.set(id, l);
  }
  return lag;
}

/** Per-step events → dense values, so a record can stand where agreement() expects outputs. */
function dense(events: StepEvents[], n: number): Float64Array[] {
  return events.map((ev) => {
    const v = new Float64Array(n);
    ev.index.forEach((j, k) => {
      v[j] = ev.value[k]!;
    });
    return v;
  });
}

const inf = (x: number): number | "inf" => (x === Number.POSITIVE_INFINITY ? "inf" : x);

/**
 * Runs the float reference on every sample's inputs (by NMIR input id) and compares it with the integer runs,
 * each output and population at its own lag (agreement() takes one lag per call).
 */
export function compareWithFloat(
  cmp: FloatComparison,
  ir: NmirModule,
  intRuns: readonly Pick<ReferenceRunResult, "outputsScaled" | "records">[],
  floatInputs: readonly Record<string, { shape: number[]; data: Float64Array }>[],
  o: { steps: number; mode: TimestepMode; inputs: RunAgreement["inputs"] },
): RunAgreement {
  if (cmp.phased && o.mode === "pipelined")
    // each pass adds its own depth and the skips around a bidirectional layer cross passes: the output is no
    // single shift of the whole-clip float run (measured: no lag brings it within 19 % RMS)
    throw new SpikegridError(
      "USAGE",
      `--compare-float ${cmp.source}: a phased module (bidirectional layers as buffered passes) is compared in layer-sync mode only`,
      { hint: "run with --mode layer-sync (the default) to measure what quantization costs" },
    );
  const floatRuns = floatInputs.map((x) => {
    const inputs = Object.fromEntries(Object.entries(x).map(([id, t]) => [cmp.inputIds.get(id) ?? id, t]));
    const opts = {
      timesteps: o.steps,
      record: cmp.record,
      clipStart: cmp.clipStart ?? "gate",
      ...(cmp.phased ? { sequence: "whole" as const } : {}),
      ...(cmp.dt === undefined ? {} : { dt: cmp.dt }),
    };
    const r = runFloat(cmp.graph, inputs, opts);
    cmp.warnings.push(...r.warnings.filter((w) => !cmp.warnings.includes(w)));
    return r;
  });
  const lags = pipelineLags(ir, o.mode);
  const floatOut = floatRuns[0]?.outputs ?? new Map<string, Float64Array[]>();
  const outputs: RunAgreement["outputs"] = [];
  const users = new Set(userPorts(ir).outputs);
  const compared = cmp.phased ? ir.outputs.filter((o) => users.has(o.id)) : ir.outputs;
  for (const out of compared) {
    const fid = floatOut.has(out.id)
      ? out.id
      : floatOut.size === 1 && compared.length === 1
        ? [...floatOut.keys()][0]!
        : undefined;
    if (fid === undefined) {
      cmp.warnings.push(`output "${out.id}" has no float counterpart in ${cmp.source}; not compared`);
      continue;
    }
    const lag = lags.get(out.src) ?? 0;
    const a = agreement(
      floatRuns.map((f) => ({ outputs: new Map([[fid, f.outputs.get(fid)!]]) })),
      intRuns.map((r) => ({ outputsScaled: new Map([[out.id, r.outputsScaled.get(out.id)!]]) })),
      { lag },
    ).outputs[0]!;
    outputs.push({ ...a, lag, relative: inf(a.relative) });
  }
  const spikes: RunAgreement["spikes"] = cmp.record.map((id) => {
    const lag = lags.get(id) ?? 0;
    const n = shapeSize(ir.populations.find((p) => p.id === id)!.shape);
    // The record doubles as the "output" so agreement() compares steps − lag steps of it.
    const s = agreement(
      floatRuns.map((f) => ({ outputs: new Map([[id, f.records.get(id)!]]), records: f.records })),
      intRuns.map((r) => ({
        outputsScaled: new Map([[id, dense(r.records.get(id)!, n)]]),
        records: new Map([[id, r.records.get(id)!]]),
      })),
      { lag },
    ).spikes.find((x) => x.id === id)!;
    return { ...s, lag };
  });
  return { source: cmp.source, inputs: o.inputs, samples: intRuns.length, steps: o.steps, outputs, spikes };
}

const num = (x: number | "inf", digits = 4) => (x === "inf" ? "inf" : x.toPrecision(digits));

/** The short table `simulate` prints. */
export function renderAgreement(a: RunAgreement, mode: TimestepMode): string {
  const head = `agreement with the float reference ${a.source} (${a.samples} sample${a.samples === 1 ? "" : "s"} × ${a.steps} steps, ${mode}, ${a.inputs} inputs)`;
  const out = renderTable(
    [
      { header: "output" },
      { header: "lag", align: "right" },
      { header: "max |err|", align: "right" },
      { header: "RMSE", align: "right" },
      { header: "relative", align: "right" },
      { header: "argmax", align: "right" },
    ],
    a.outputs.map((x) => [
      x.id,
      String(x.lag),
      num(x.maxAbs),
      num(x.rmse),
      num(x.relative),
      num(x.argmax, 3),
    ]),
  );
  const spk = renderTable(
    [
      { header: "population" },
      { header: "lag", align: "right" },
      { header: "spike agreement", align: "right" },
      { header: "float spikes", align: "right" },
      { header: "int spikes", align: "right" },
    ],
    a.spikes.map((x) => [x.id, String(x.lag), num(x.fraction), String(x.floatSpikes), String(x.intSpikes)]),
  );
  return [head, out, ...(a.spikes.length ? [spk] : [])].join("\n");
}
