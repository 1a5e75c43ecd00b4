// The compiler's pass manager: `compile(graph, options)` runs the one ordered pass table below, validating the
// NetGraph after every graph pass and verifying the NMIR after the lowering and every NMIR pass (DESIGN §11).

import { assertNever, SpikegridError } from "../../common/errors.js";
import { type NetGraph, validateGraph } from "../graph/index.js";
import { type NmirModule, printNmir, verify } from "../nmir/index.js";
import { convertAnnToSnn } from "./convert-ann-to-snn.js";
import { describeGraph } from "./describe-graph.js";
import { flattenSubgraphs } from "./flatten-subgraphs.js";
import { foldBatchNorm } from "./fold-batch-norm.js";
import { insertRelays } from "./insert-relays.js";
import { lowerAttention } from "./lower-attention.js";
import { lowerDiagonalSsm } from "./lower-diagonal-ssm.js";
import { lowerFixedTransforms } from "./lower-fixed-transforms.js";
import { lowerLmuMemory } from "./lower-lmu-memory.js";
import { lowerNonlinear } from "./lower-nonlinear.js";
import { lowerToNmir } from "./lower-to-nmir.js";
import { markUnsupported } from "./mark-unsupported.js";
import type { CompileOptions, Diagnostic, Pass, PassContext } from "./pass.js";
import { planScales } from "./plan-scales.js";
import { quantizeNeurons } from "./quantize-neurons.js";
import { quantizeWeights } from "./quantize-weights.js";
import { shareSums } from "./share-sums.js";

/**
 * The pass table, in execution order: graph passes, then the one lowering, then NMIR passes. Adding a pass is
 * one file exporting the verb plus one line here (see README.md).
 */
export const PASSES: readonly Pass[] = [
  { name: "flattenSubgraphs", kind: "graph", run: flattenSubgraphs },
  { name: "foldBatchNorm", kind: "graph", run: foldBatchNorm },
  { name: "convertAnnToSnn", kind: "graph", run: convertAnnToSnn },
  { name: "lowerNonlinear", kind: "graph", run: lowerNonlinear },
  { name: "lowerLmuMemory", kind: "graph", run: lowerLmuMemory },
  { name: "lowerDiagonalSsm", kind: "graph", run: lowerDiagonalSsm },
  { name: "lowerFixedTransforms", kind: "graph", run: lowerFixedTransforms },
  { name: "insertRelays", kind: "graph", run: insertRelays },
  { name: "lowerToNmir", kind: "lower", run: lowerToNmir },
  { name: "planScales", kind: "nmir", run: planScales },
  { name: "quantizeNeurons", kind: "nmir", run: quantizeNeurons },
  { name: "quantizeWeights", kind: "nmir", run: quantizeWeights },
  { name: "shareSums", kind: "nmir", run: shareSums },
  { name: "lowerAttention", kind: "nmir", run: lowerAttention },
  { name: "markUnsupported", kind: "nmir", run: markUnsupported },
];

export interface PassReport {
  name: string;
  kind: Pass["kind"];
  /** Wall time of the pass and of the check after it, in milliseconds. */
  ms: number;
  /** One line about the result ("14 nodes, 13 edges" or "7 populations, 9 projections"). */
  result: string;
}

export interface CompileResult {
  ir: NmirModule;
  diagnostics: Diagnostic[];
  report: { passes: PassReport[] };
}

/** Graph passes, then exactly one lower pass, then NMIR passes: anything else is a mis-built table. */
function checkTable(passes: readonly Pass[], options: CompileOptions): void {
  const { dumpAfter, stopAfter } = options;
  const order = { graph: 0, lower: 1, nmir: 2 } as const;
  const lowers = passes.filter((p) => p.kind === "lower").length;
  const sorted = passes.every((p, i) => i === 0 || order[passes[i - 1]!.kind] <= order[p.kind]);
  if (lowers !== 1 || !sorted) {
    throw new SpikegridError(
      "USAGE",
      `the pass table must hold graph passes, then one lower pass, then NMIR passes; got ${passes.map((p) => `${p.name} (${p.kind})`).join(", ")}`,
    );
  }
  const names = passes.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new SpikegridError("USAGE", `pass "${dup}" appears twice in the pass table`);
  if (dumpAfter !== undefined && !names.includes(dumpAfter)) {
    throw new SpikegridError("USAGE", `--dump-after=${dumpAfter}: no such pass`, {
      hint: `passes: ${names.join(", ")}`,
    });
  }
  const stop = stopAfter === undefined ? -1 : names.indexOf(stopAfter);
  if (stopAfter !== undefined && (stop < 0 || passes[stop]!.kind === "graph")) {
    throw new SpikegridError("USAGE", `--stop-after=${stopAfter}: not the lower pass or an NMIR pass`, {
      hint: `compile returns NMIR, so it can stop after one of: ${passes
        .filter((p) => p.kind !== "graph")
        .map((p) => p.name)
        .join(", ")}`,
    });
  }
}

/** The passes `compile` runs: the table up to and including `options.stopAfter`. */
export function passesToRun(passes: readonly Pass[], options: CompileOptions): readonly Pass[] {
  checkTable(passes, options);
  const stop =
    options.stopAfter === undefined
      ? passes.length - 1
      : passes.findIndex((p) => p.name === options.stopAfter);
  return passes.slice(0, stop + 1);
}

/** Re-raises a validation failure after a pass as a fault of that pass, keeping the details. */
function afterPass<T>(pass: Pass, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    throw new SpikegridError(e.code, `pass "${pass.name}" produced an invalid result: ${e.message}`, {
      details: [...e.details],
      hint: "this is a compiler bug; please report it with the network that triggers it",
      cause: e,
    });
  }
}

/**
 * Compiles a float NetGraph to NMIR by running `passes` (default: the table above) in order, through
 * `options.stopAfter` when given (e.g. "lowerToNmir" for the real-valued module at stage lowered).
 */
export function compile(
  graph: NetGraph,
  options: CompileOptions = {},
  passes: readonly Pass[] = PASSES,
): CompileResult {
  const run = passesToRun(passes, options);
  validateGraph(graph, "the input network");
  return runPasses(run, { graph }, options);
}

/**
 * The NMIR passes of `passes` (through `options.stopAfter`) on a module at stage "lowered" — what `compile`
 * gives with `stopAfter: "lowerToNmir"` — so callers that compile one network many times with different
 * quantization options (explore: one compile per grid point) lower it once. The result equals `compile(graph,
 * options)` when `lowered` was lowered with the same lowering options (dt, inputEvent, the resolved clip start,
 * the limits); the lowering's own diagnostics are not repeated. `lowered` is not modified.
 */
export function compileLowered(
  lowered: NmirModule,
  options: CompileOptions = {},
  passes: readonly Pass[] = PASSES,
): CompileResult {
  if (lowered.stage !== "lowered")
    throw new SpikegridError(
      "USAGE",
      `compileLowered needs a module at stage "lowered", got "${lowered.stage}"`,
      {
        hint: 'give the module compile(graph, { stopAfter: "lowerToNmir" }) returns',
      },
    );
  const run = passesToRun(passes, options).filter((p) => p.kind === "nmir");
  verify(lowered, "lowered");
  return runPasses(run, { ir: lowered }, options);
}

/** Runs `run` in order from the graph (graph passes first) or from a lowered module (NMIR passes only). */
function runPasses(
  run: readonly Pass[],
  from: { graph: NetGraph } | { ir: NmirModule },
  options: CompileOptions,
): CompileResult {
  const ctx: PassContext = {
    options,
    diagnostics: [],
    dump: options.dump ?? ((pass, text) => process.stdout.write(`--- after ${pass} ---\n${text}\n`)),
  };
  const reports: PassReport[] = [];
  let g: NetGraph | undefined = "graph" in from ? from.graph : undefined;
  let ir: NmirModule | undefined = "ir" in from ? from.ir : undefined;
  for (const pass of run) {
    options.progress?.stage(pass.name);
    const t0 = performance.now();
    let result: string;
    let text: () => string;
    switch (pass.kind) {
      case "graph": {
        const out = pass.run(g!, ctx);
        afterPass(pass, () => validateGraph(out, `the graph after ${pass.name}`));
        g = out;
        result = `${out.nodes.size} nodes, ${out.edges.length} edges`;
        text = () => describeGraph(out);
        break;
      }
      case "lower": {
        const out = pass.run(g!, ctx);
        afterPass(pass, () => verify(out, "lowered"));
        ir = out;
        g = undefined;
        result = `${out.populations.length} populations, ${out.projections.length} projections`;
        text = () => printNmir(out);
        break;
      }
      case "nmir": {
        const out = pass.run(ir!, ctx);
        afterPass(pass, () => verify(out, out.stage));
        ir = out;
        result = `stage ${out.stage}: ${out.populations.length} populations, ${out.projections.length} projections`;
        text = () => printNmir(out);
        break;
      }
      default:
        return assertNever(pass, "pass kind");
    }
    reports.push({ name: pass.name, kind: pass.kind, ms: performance.now() - t0, result });
    if (options.dumpAfter === pass.name) ctx.dump?.(pass.name, text());
  }
  return { ir: ir!, diagnostics: ctx.diagnostics, report: { passes: reports } };
}
