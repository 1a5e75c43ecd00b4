// The pass contract of the compiler (DESIGN §11): a pass is one named verb over a NetGraph or an NMIR module;
// pipeline.ts runs them from one ordered table. Options and diagnostics travel in the context, never in modules.

import type { Progress } from "../../common/progress.js";
import type { NetGraph } from "../graph/index.js";
import type { NmirModule } from "../nmir/index.js";
import type { ConvertOptions } from "./convert-ann/options.js";

/** Everything a caller can tune; each pass documents the options it reads. */
export interface CompileOptions {
  /** Module name (default: the graph's `metadata.name`, else "network"). */
  name?: string;
  /** Integration step in seconds (neurons, Delay nodes); default `graph.dt`, else 1 with a warning. */
  dt?: number;
  /** Event kind of every NMIR input port: "spike" when the caller promises binary inputs; default "graded". */
  inputEvent?: "spike" | "graded";
  /** Name of a pass whose output is printed (NetGraph: a node table; NMIR: `printNmir`). */
  dumpAfter?: string;
  /** Receives the dump of `dumpAfter` (default: standard output). */
  dump?: (pass: string, text: string) => void;
  /** Last pass to run (the lower pass or a later one): `"lowerToNmir"` gives the stage-lowered module. */
  stopAfter?: string;
  /**
   * Largest work (input neurons × per-push kernel ops) spent composing one generic projection by pushing unit
   * vectors through the float kernels; above it lowerToNmir refuses and names the path. Default 2^31.
   */
  maxComposeWork?: number;
  /** Largest number of synapses of one generic (sparse or dense) composed projection. Default 2^26. */
  maxSynapses?: number;
  /** Largest number of linear paths into one population port. Default 4096. */
  maxPaths?: number;
  /**
   * lowerDiagonalSsm: a bidirectional SSM is lowered to the three-phase schedule with sequence buffers
   * ("phases", the default; compiler/nmir/phases.ts — quantized by planScales, run phase by phase by the
   * reference and chip engines), or refused ("refuse": a module that must stream in one pass).
   */
  bidirectional?: "refuse" | "phases";
  /**
   * lowerAttention on a chip without dynamic matmul: build the term neurons of every lowerable matmul
   * ("explicit"), keep each matmul whole realised by counted term neurons ("counted": the mapper reserves their
   * cores, the simulators count their events), or explicit unless the terms exceed TERM_NEURON_BUDGET or the
   * module would pass NMIR_LIMITS.neurons ("auto", the default).
   */
  attentionTerms?: "auto" | "explicit" | "counted";
  /**
   * insertRelays: a Linear/Affine followed, through linear nodes only, by what one structured projection cannot
   * hold (another matrix, a Transpose, a per-element Scale) gets a graded relay population after it when its
   * output size × the widest destination exceeds this. Default 2^24; 0 relays every such chain.
   */
  relayAbove?: number;
  /**
   * shareSums: projections into one port that differ only in their source (one matrix applied to every term of
   * a residual stream) become a sum relay and one projection (exact in both timestep modes). Default off: the
   * pipelined-mode hop relays cost more cores than the copies saved on the zoo transformers (bench/README.md).
   */
  shareSums?: boolean;
  /**
   * lowerToNmir: what a population sees before its frame 0 when look-ahead delays it. "gate": nothing, as the
   * whole-clip definition (a `<id>.gate` product population per such port; needs product neurons). "free": no
   * gates; the first frames see the look-ahead partial sums of frames < 0. "auto" (default): "free" when
   * `profile` (QuantCompileOptions) lacks product neurons, else "gate". Recorded as `metadata.clipStart`.
   */
  clipStart?: "gate" | "free" | "auto";
  /** convertAnnToSnn: convert a ReLU ANN to a rate-coded SNN with these calibration data; off when absent. */
  convert?: ConvertOptions;
  /** Told each pass as it starts and, in lowerToNmir, each node lowered (default: nothing). */
  progress?: Progress;
}

export interface Diagnostic {
  /** The pass that raised it. */
  pass: string;
  level: "note" | "warning";
  message: string;
  /** The node, population or projection concerned. */
  where?: string;
}

export interface PassContext {
  options: CompileOptions;
  diagnostics: Diagnostic[];
  /** Receives the text of `options.dumpAfter`'s output (`options.dump`, else standard output). */
  dump?: (pass: string, text: string) => void;
}

export interface GraphPass {
  name: string;
  kind: "graph";
  /** NetGraph → NetGraph; the pipeline validates the result. */
  run(graph: NetGraph, ctx: PassContext): NetGraph;
}

export interface LowerPass {
  name: string;
  kind: "lower";
  /** NetGraph → NMIR at stage "lowered"; the pipeline verifies the result at that stage. */
  run(graph: NetGraph, ctx: PassContext): NmirModule;
}

export interface NmirPass {
  name: string;
  kind: "nmir";
  /** NMIR → NMIR; the pipeline verifies the result at the stage the module declares. */
  run(ir: NmirModule, ctx: PassContext): NmirModule;
}

export type Pass = GraphPass | LowerPass | NmirPass;

/** Adds a diagnostic on behalf of `pass`. */
export function diagnose(
  ctx: PassContext,
  pass: string,
  level: Diagnostic["level"],
  message: string,
  where?: string,
): void {
  ctx.diagnostics.push(where === undefined ? { pass, level, message } : { pass, level, message, where });
}
