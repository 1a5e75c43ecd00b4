// The flags that say how a network is read and compiled, as options: one translation for `compile`, `simulate`
// (reference and chip engines) and `explore` (where they hold for every grid point), so one setup on the command
// line means the same load and compile options in every command. Checked before any file is read.

import type { Options } from "yargs";
import { SpikegridError } from "../common/errors.js";
import { type QuantCompileOptions, WEIGHT_BITS } from "../compiler/passes/quant-plan.js";
import type { LoadNetworkOptions } from "../pipeline/load-network.js";
import { choiceFlag, intFlag } from "./options.js";
import { nirConventionArg, resetModeArg } from "./shared.js";

/** How the network file is read: `--reset-mode`, `--weights`, `--nir-convention`, `--dt`. */
export type LoadFlagOptions = Omit<LoadNetworkOptions, "overrides">;

/** The compile settings one run (or every point of a sweep) shares; bit widths and profile are apart. */
export type FixedCompileOptions = Pick<
  QuantCompileOptions,
  | "payloadBits"
  | "inputEvent"
  | "decay"
  | "clipStart"
  | "perChannel"
  | "strict"
  | "dt"
  | "inputRange"
  | "bidirectional"
  | "attentionTerms"
>;

/** `--dt`: a positive number of seconds, or undefined when absent. */
export function dtFlag(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const dt = Number(v);
  if (!(dt > 0) || !Number.isFinite(dt))
    throw new SpikegridError("USAGE", `--dt must be > 0 seconds, got ${String(v)}`);
  return dt;
}

/** The load flags as the loader's options (absent flags left out). */
export function loadFlags(args: Record<string, unknown>): LoadFlagOptions {
  const o: LoadFlagOptions = {};
  const resetMode = resetModeArg(args["reset-mode"]);
  const nirConvention = nirConventionArg(args["nir-convention"]);
  const dt = dtFlag(args.dt);
  if (resetMode) o.resetMode = resetMode;
  if (typeof args.weights === "string") o.weights = args.weights;
  if (nirConvention) o.nirConvention = nirConvention;
  if (dt !== undefined) o.dt = dt;
  return o;
}

/** The compile flags that are not swept, as compile options (absent flags left out). */
export function fixedCompileFlags(args: Record<string, unknown>): FixedCompileOptions {
  const o: FixedCompileOptions = {};
  const payloadBits = intFlag("--payload-bits", args["payload-bits"], 2, 32);
  const inputEvent = choiceFlag("--input-event", args["input-event"], ["spike", "graded"] as const);
  const decay = choiceFlag("--decay", args.decay, ["mult12", "shift"] as const);
  const clipStart = choiceFlag("--clip-start", args["clip-start"], ["gate", "free", "auto"] as const);
  const dt = dtFlag(args.dt);
  const bidirectional = choiceFlag("--bidirectional", args.bidirectional, ["phases", "refuse"] as const);
  if (payloadBits !== undefined) o.payloadBits = payloadBits;
  if (bidirectional) o.bidirectional = bidirectional;
  const attentionTerms = choiceFlag("--attention-terms", args["attention-terms"], [
    "auto",
    "explicit",
    "counted",
  ] as const);
  if (attentionTerms) o.attentionTerms = attentionTerms;
  if (inputEvent) o.inputEvent = inputEvent;
  if (decay) o.decay = decay;
  if (clipStart) o.clipStart = clipStart;
  if (args["per-channel"] === true) o.perChannel = true;
  if (args.strict === true) o.strict = true;
  if (dt !== undefined) o.dt = dt;
  if (args["input-range"] !== undefined) {
    const r = Number(args["input-range"]);
    if (!(r > 0) || !Number.isFinite(r))
      throw new SpikegridError(
        "USAGE",
        `--input-range must be a positive number, got ${String(args["input-range"])}`,
      );
    o.inputRange = r;
  }
  return o;
}

/** `--weight-bits N` / `--state-bits N` of a single compile (explore sweeps lists of them instead). */
export function bitWidthFlags(
  args: Record<string, unknown>,
): Pick<QuantCompileOptions, "weightBits" | "stateBits"> {
  const o: Pick<QuantCompileOptions, "weightBits" | "stateBits"> = {};
  const weightBits = intFlag("--weight-bits", args["weight-bits"], WEIGHT_BITS.min, WEIGHT_BITS.max, (v) =>
    v === 1 ? ` (${WEIGHT_BITS.whyNotOne})` : "",
  );
  const stateBits = intFlag("--state-bits", args["state-bits"], 2, 32);
  if (weightBits !== undefined) o.weightBits = weightBits;
  if (stateBits !== undefined) o.stateBits = stateBits;
  return o;
}

/** The yargs definitions of the load flags (`--dt` is with the compile flags). */
export const LOAD_FLAG_OPTIONS = {
  weights: { type: "string", describe: "a state_dict (.pt/.pth/.safetensors/.npz) applied by key name" },
  "reset-mode": { type: "string", describe: "NIR neurons without v_reset: value (reset to 0) | subtract" },
  "nir-convention": {
    type: "string",
    describe:
      "nir (default): NIR's forward Euler | rockpool: read LIFs with Rockpool's discretisation (needs --dt)",
  },
} satisfies Record<string, Options>;

/** The yargs definitions of the fixed compile flags. */
export const COMPILE_FLAG_OPTIONS = {
  "per-channel": { type: "boolean", describe: "one weight exponent per output channel" },
  "payload-bits": {
    type: "number",
    describe: "graded payload width, 2..32 (default: the profile's, else 8)",
  },
  decay: { type: "string", describe: "mult12 (Loihi, default) | shift (Xylo, powers of two)" },
  dt: { type: "number", describe: "integration step in seconds (NIR files use e.g. 1e-4)" },
  "input-event": {
    type: "string",
    describe: "spike | graded: event kind of the inputs (default graded)",
  },
  "input-range": {
    type: "number",
    describe: "max |input| of graded inputs (default: observed on the calibration samples, else 1)",
  },
  strict: { type: "boolean", describe: "with a profile: anything the chip cannot run is an error" },
  bidirectional: {
    type: "string",
    describe:
      "phases (default): a bidirectional SSM runs as 3 passes over the clip joined by stored sequences (2·T more steps, the buffers in core memory) | refuse: the network must stream in one pass",
  },
  "attention-terms": {
    type: "string",
    describe:
      "auto (default) | explicit | counted: on a chip without dynamic matmul, build spiking self-attention's term neurons, or keep each matmul whole realised by term neurons that map reserves and simulate counts (auto: counted above 2^24 term neurons)",
  },
  "clip-start": {
    type: "string",
    describe:
      "gate | free | auto: gate look-ahead partial sums of frames < 0 with product populations (exact), or let the first frames see them; auto (default) = free when the profile has no product neurons",
  },
} satisfies Record<string, Options>;

/** Every flag above, by name (commands that refuse them on an engine that ignores them). */
export const COMPILE_SETUP_FLAGS = [...Object.keys(LOAD_FLAG_OPTIONS), ...Object.keys(COMPILE_FLAG_OPTIONS)];
