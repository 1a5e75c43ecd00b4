// `spikegrid compile FILE -o model.nmir [--weight-bits N] [--per-channel] [--state-bits N] [--payload-bits N]
// [--profile P] [--strict] [--clip-start gate|free|auto] [--calibrate in.npy [--convert …]] …`: a network file
// → quantized NMIR (.nmir) with a short summary.

import { SpikegridError } from "../../common/errors.js";
import { noProgress } from "../../common/progress.js";
import { readNpyFile, toFloat32 } from "../../compiler/importers/tensors/index.js";
import { shapeSize, synapseCount, writeNmirFile } from "../../compiler/nmir/index.js";
import type { Diagnostic } from "../../compiler/passes/pass.js";
import { compile, PASSES } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizationReport } from "../../compiler/passes/quantization-report.js";
import { moduleWeights, worstSqnrText } from "../../compiler/passes/weights-provenance.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { loadNetwork } from "../../pipeline/load-network.js";
import type { CliCommand } from "../command.js";
import {
  bitWidthFlags,
  COMPILE_FLAG_OPTIONS,
  fixedCompileFlags,
  LOAD_FLAG_OPTIONS,
  loadFlags,
} from "../compile-flags.js";
import type { CliIo } from "../io.js";
import { checkOutputs } from "../options.js";
import { zooOverrides, zooSetOption } from "../zoo-set.js";

/** The compile options the flags describe, checked before any file is read (shared with simulate, explore). */
function optionsFrom(args: Record<string, unknown>): QuantCompileOptions {
  const o: QuantCompileOptions = { ...bitWidthFlags(args), ...fixedCompileFlags(args) };
  if (typeof args.profile === "string") o.profile = loadProfile(args.profile);
  if (typeof args["dump-after"] === "string") {
    const names = PASSES.map((p) => p.name);
    if (!names.includes(args["dump-after"])) {
      throw new SpikegridError("USAGE", `--dump-after ${args["dump-after"]}: no such pass`, {
        hint: `passes: ${names.join(", ")}`,
      });
    }
    o.dumpAfter = args["dump-after"];
  }
  return o;
}

function describeDiagnostic(d: Diagnostic): string {
  return `  ${d.level} [${d.pass}]${d.where ? ` ${d.where}:` : ""} ${d.message}`;
}

async function runCompile(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = String(args.file);
  const out = args.out as string | undefined;
  if (!out) throw new SpikegridError("USAGE", "-o/--out is required: the .nmir file to write");
  if (args.convert === true && typeof args.calibrate !== "string") {
    throw new SpikegridError("USAGE", "--convert needs --calibrate in.npy: ANN inputs [N, ...inputShape]");
  }
  if (args.percentile !== undefined && args.convert !== true) {
    throw new SpikegridError("USAGE", "--percentile applies only with --convert");
  }
  const options = optionsFrom(args);
  checkOutputs(
    [{ flag: "-o/--out", path: out }],
    [file, args.weights as string | undefined, args.calibrate as string | undefined],
  );
  options.dump = (pass, text) => io.out(`--- after ${pass} ---\n${text}`);
  const net = await loadNetwork(file, { ...loadFlags(args), overrides: zooOverrides(file, args.set) });
  if (typeof args.calibrate === "string") {
    const inputs = [...net.graph.nodes].filter(([, n]) => n.kind === "Input").map(([id]) => id);
    if (inputs.length !== 1) {
      throw new SpikegridError("UNSUPPORTED", `--calibrate feeds one input; ${file} has ${inputs.length}`);
    }
    const x = readNpyFile(args.calibrate);
    const data = toFloat32(x);
    if (args.convert === true) {
      // the samples are ANN inputs without a time axis: they calibrate the conversion, and their max |x| sets
      // the input LSB (fed unchanged every step) unless --input-range says otherwise
      const pct = args.percentile === undefined ? undefined : Number(args.percentile);
      options.convert = {
        calibration: { shape: x.shape, data },
        ...(pct === undefined ? {} : { percentile: pct }),
      };
      options.inputRange ??= data.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    } else {
      options.calibration = { [inputs[0]!]: { shape: x.shape, data } };
      // a given --input-range is the input's range; the samples calibrate the populations (as the pipeline does)
      if (options.inputRange !== undefined) options.ranges = { [inputs[0]!]: options.inputRange as number };
    }
  }
  const progress = io.progress?.("compile") ?? noProgress;
  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(net.graph, { ...options, progress });
  } finally {
    progress.done();
  }
  const { ir, diagnostics } = compiled;
  writeNmirFile(out, ir);
  const neurons = ir.populations.reduce((a, p) => a + shapeSize(p.shape), 0);
  const synapses = ir.projections.reduce((a, p) => a + synapseCount(p.connectivity), 0);
  const weights = ir.projections.reduce((a, p) => a + p.connectivity.weights.length, 0);
  const lines = [
    `compiled ${file} → ${out} (stage ${ir.stage})`,
    `  populations ${ir.populations.length} (${neurons} neurons), projections ${ir.projections.length} (${synapses} synapses, ${weights} stored weights)${ir.dynamicMatmuls.length ? `, dynamic matmuls ${ir.dynamicMatmuls.length}` : ""}`,
  ];
  if (ir.stage === "quantized") {
    const q = quantizationReport(ir);
    lines.push(
      `  bits: weights ${q.weightBits} (${q.granularity}), state ${q.stateBits}, payload ${q.payloadBits}, decay ${q.decay}`,
      `  quantization: worst SQNR ${worstSqnrText(q, moduleWeights(ir))}, ${q.totals.clipped} weights clipped, ${q.totals.zeroed} rounded to 0`,
    );
  }
  const warnings = [
    ...net.warnings.map((w) => `  warning [import] ${w}`),
    ...diagnostics.map(describeDiagnostic),
  ];
  const nWarn = net.warnings.length + diagnostics.filter((d) => d.level === "warning").length;
  lines.push(
    `  diagnostics: ${nWarn} warning(s), ${diagnostics.filter((d) => d.level === "note").length} note(s)`,
  );
  io.out([...lines, ...warnings].join("\n"));
}

export const compileCommand: CliCommand = {
  command: "compile <file>",
  describe: "compile a network file to quantized NMIR (.nmir)",
  builder: (y) =>
    y
      .positional("file", { type: "string", describe: "network file (.nir, .onnx)", demandOption: true })
      .option("out", {
        alias: "o",
        type: "string",
        demandOption: true,
        describe: "the .nmir file to write",
      })
      .option("weight-bits", { type: "number", describe: "signed weight mantissa bits, 2..16 (default 8)" })
      .option("state-bits", {
        type: "number",
        describe: "v/u width, 2..32 (default: the profile's, else 16)",
      })
      .option("calibrate", { type: "string", describe: ".npy of sample inputs [T, ...] or [batch, T, ...]" })
      .option("convert", {
        type: "boolean",
        describe: "ANN→SNN: ReLU → IF neurons, scales from --calibrate (ANN inputs [N, ...])",
      })
      .option("percentile", {
        type: "number",
        describe: "with --convert: activation percentile λ (default 99.9)",
      })
      .option("profile", {
        type: "string",
        describe: "chip profile name or file: its widths are the defaults; report what it cannot run",
      })
      .option("dump-after", { type: "string", describe: "print the IR after this pass" })
      .option("set", zooSetOption)
      .options(LOAD_FLAG_OPTIONS)
      .options(COMPILE_FLAG_OPTIONS),
  handler: (args, io) => runCompile(args, io),
};
