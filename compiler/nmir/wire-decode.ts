// Decoded nmir.proto messages (protobufjs `toObject` with oneofs, enums as names) → NmirModule.
// The payload is untrusted: every missing message or unknown enum raises a WireError naming the field path.

import type { Connectivity, Weights } from "./connectivity.js";
import type { Activation, FireRule, NeuronModel, Param, ResetMode, SpikingFields } from "./neuron-models.js";
import type { EventKind, NmirModule, Projection, Scale, Stage, TermRealisation } from "./types.js";

/** A structurally broken payload; codec.ts turns it into NMIR_DECODE with the file name. */
export class WireError extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`${path}: ${what}`);
  }
}

type Obj = Record<string, unknown>;

function obj(x: unknown, path: string): Obj {
  if (x === null || x === undefined || typeof x !== "object") throw new WireError(path, "missing");
  return x as Obj;
}

/** The set member of a oneof (toObject puts its name under the oneof's name) and its message. */
function oneof(x: unknown, path: string, oneofName = "kind"): [string, Obj] {
  const o = obj(x, path);
  const member = o[oneofName];
  if (typeof member !== "string") throw new WireError(path, "no variant set");
  return [member, obj(o[member], `${path}.${member}`)];
}

const num = (o: Obj, key: string): number => (typeof o[key] === "number" ? (o[key] as number) : 0);
const str = (o: Obj, key: string): string => (typeof o[key] === "string" ? (o[key] as string) : "");
const nums = (o: Obj, key: string): number[] => (Array.isArray(o[key]) ? (o[key] as number[]) : []);

function enumName<T extends string>(o: Obj, key: string, path: string, names: Record<string, T>): T {
  const v = o[key];
  const out = typeof v === "string" ? names[v] : undefined;
  if (out === undefined) throw new WireError(`${path}.${key}`, `unknown value ${JSON.stringify(v)}`);
  return out;
}

const STAGES: Record<string, Stage> = { STAGE_LOWERED: "lowered", STAGE_QUANTIZED: "quantized" };
const RESETS: Record<string, ResetMode> = {
  RESET_ZERO: "zero",
  RESET_SUBTRACT: "subtract",
  RESET_NONE: "none",
};
const FIRES: Record<string, FireRule> = { FIRE_GT: "gt", FIRE_GE: "ge" };
const TERM_FORMS: Record<string, TermRealisation["form"]> = {
  TERM_FORM_COINCIDENCE: "coincidence",
  TERM_FORM_PRODUCT: "product",
};

function termRealisation(x: unknown, path: string): TermRealisation {
  const r = obj(x, path);
  return { kind: "termNeurons", form: enumName(r, "form", path, TERM_FORMS), preShift: num(r, "preShift") };
}

/** An array message's values: the typed array codec.ts decodes them to (taken as is), else copied from a list. */
function typed<T extends Int32Array | Float32Array | Float64Array>(
  body: Obj,
  type: { from(xs: ArrayLike<number>): T },
): T {
  const v = body.values;
  return v instanceof (type as unknown as typeof Int32Array) ? (v as T) : type.from(nums(body, "values"));
}

function param(x: unknown, path: string): Param {
  const [kind, body] = oneof(x, path, "values");
  if (kind === "ints") return typed(body, Int32Array);
  if (kind === "doubles") return typed(body, Float64Array);
  throw new WireError(path, `unknown array type "${kind}"`);
}

function weights(x: unknown, path: string): Weights {
  const [kind, body] = oneof(x, path, "values");
  if (kind === "ints") return typed(body, Int32Array);
  if (kind === "floats") return typed(body, Float32Array);
  throw new WireError(path, `unknown array type "${kind}"`);
}

function event(x: unknown, path: string): EventKind {
  const [kind, body] = oneof(x, path);
  if (kind === "spike") return { kind: "spike" };
  if (kind === "graded") return { kind: "graded", bits: num(body, "bits") };
  throw new WireError(path, `unknown event kind "${kind}"`);
}

function spiking(x: unknown, path: string): SpikingFields {
  const s = obj(x, path);
  return {
    vth: param(s.vth, `${path}.vth`),
    bias: param(s.bias, `${path}.bias`),
    vReset: param(s.vReset, `${path}.vReset`),
    ...(s.vMin === null || s.vMin === undefined ? {} : { vMin: param(s.vMin, `${path}.vMin`) }),
    reset: enumName(s, "reset", path, RESETS),
    fire: enumName(s, "fire", path, FIRES),
    refractory: num(s, "refractory"),
    vBits: num(s, "vBits"),
  };
}

function activation(x: unknown, path: string): Activation {
  const [kind, body] = oneof(x, path);
  if (kind === "none" || kind === "relu") return { kind };
  if (kind === "clamp") return { kind: "clamp", lo: num(body, "lo"), hi: num(body, "hi") };
  throw new WireError(path, `unknown activation "${kind}"`);
}

function li(b: Obj, path: string) {
  return {
    dv: param(b.dv, `${path}.dv`),
    decayBits: num(b, "decayBits"),
    bias: param(b.bias, `${path}.bias`),
    vBits: num(b, "vBits"),
    outShift: num(b, "outShift"),
    outBits: num(b, "outBits"),
  };
}

function model(x: unknown, path: string): NeuronModel {
  const [kind, b] = oneof(x, path);
  const at = `${path}.${kind}`;
  switch (kind) {
    case "lif":
      return {
        kind: "lif",
        dv: param(b.dv, `${at}.dv`),
        decayBits: num(b, "decayBits"),
        ...spiking(b.spiking, `${at}.spiking`),
        ...(b.leakBelow === true ? { leakBelow: true } : {}),
      };
    case "cubaLif":
      return {
        kind: "cubaLif",
        du: param(b.du, `${at}.du`),
        dv: param(b.dv, `${at}.dv`),
        decayBits: num(b, "decayBits"),
        uBits: num(b, "uBits"),
        ...spiking(b.spiking, `${at}.spiking`),
      };
    case "integrateFire":
      return { kind: "if", ...spiking(b.spiking, `${at}.spiking`) };
    case "li":
      return { kind: "li", ...li(b, at) };
    case "cubaLi":
      return {
        kind: "cubaLi",
        du: param(b.du, `${at}.du`),
        uBits: num(b, "uBits"),
        ...li(obj(b.li, `${at}.li`), `${at}.li`),
      };
    case "linear":
      return {
        kind: "linear",
        bias: param(b.bias, `${at}.bias`),
        outMul: param(b.outMul, `${at}.outMul`),
        outShift: num(b, "outShift"),
        activation: activation(b.activation, `${at}.activation`),
        outBits: num(b, "outBits"),
      };
    case "product":
      return { kind: "product", shift: num(b, "shift"), outBits: num(b, "outBits") };
    case "threshold":
      return {
        kind: "threshold",
        vth: param(b.vth, `${at}.vth`),
        bias: param(b.bias, `${at}.bias`),
        fire: enumName(b, "fire", at, FIRES),
      };
    case "function":
      return {
        kind: "function",
        fn: str(b, "fn"),
        bias: param(b.bias, `${at}.bias`),
        xs: param(b.xs, `${at}.xs`),
        ys: param(b.ys, `${at}.ys`),
        slopes: param(b.slopes, `${at}.slopes`),
        slopeShift: num(b, "slopeShift"),
        outBits: num(b, "outBits"),
      };
    default:
      throw new WireError(path, `unknown neuron model "${kind}"`);
  }
}

const tuple = <T extends number[]>(o: Obj, key: string, len: number, path: string): T => {
  const v = nums(o, key);
  if (v.length !== len) throw new WireError(`${path}.${key}`, `has ${v.length} entries; expected ${len}`);
  return [...v] as T;
};

/** `shared`: the weights of the earlier projection this one names (weightsFrom); its own Weights must be empty. */
function connectivity(x: unknown, path: string, shared?: Weights): Connectivity {
  const [kind, b] = oneof(x, path);
  const at = `${path}.${kind}`;
  if (shared && typeof obj(b.weights, `${at}.weights`).values === "string")
    throw new WireError(`${at}.weights`, "holds values although weightsFrom names another projection's");
  const w = shared ?? weights(b.weights, `${at}.weights`);
  switch (kind) {
    case "dense":
      return { kind: "dense", inSize: num(b, "inSize"), outSize: num(b, "outSize"), weights: w };
    case "sparse":
      return {
        kind: "sparse",
        inSize: num(b, "inSize"),
        outSize: num(b, "outSize"),
        rowPtr: Int32Array.from(nums(b, "rowPtr")),
        colIdx: Int32Array.from(nums(b, "colIdx")),
        weights: w,
      };
    case "conv1d":
      return {
        kind: "conv1d",
        inShape: tuple(b, "inShape", 2, at),
        outShape: tuple(b, "outShape", 2, at),
        kernel: tuple(b, "kernel", 3, at),
        weights: w,
        stride: num(b, "stride"),
        padding: num(b, "padding"),
        dilation: num(b, "dilation"),
        groups: num(b, "groups"),
      };
    case "conv2d":
      return {
        kind: "conv2d",
        inShape: tuple(b, "inShape", 3, at),
        outShape: tuple(b, "outShape", 3, at),
        kernel: tuple(b, "kernel", 4, at),
        weights: w,
        stride: tuple(b, "stride", 2, at),
        padding: tuple(b, "padding", 2, at),
        dilation: tuple(b, "dilation", 2, at),
        groups: num(b, "groups"),
      };
    case "oneToOne":
      return { kind: "oneToOne", size: num(b, "size"), weights: w };
    case "rowwise":
      return {
        kind: "rowwise",
        rows: num(b, "rows"),
        kernel: tuple(b, "kernel", 2, at),
        weights: w,
        srcTransposed: b.srcTransposed === true,
        dstTransposed: b.dstTransposed === true,
      };
    default:
      throw new WireError(path, `unknown connectivity "${kind}"`);
  }
}

function scale(x: unknown, path: string): Scale {
  const [kind, b] = oneof(x, path);
  if (kind === "perProjection") return { kind, exp: num(b, "exp") };
  if (kind === "perChannel") return { kind, exps: Int32Array.from(nums(b, "exps")) };
  throw new WireError(path, `unknown scale "${kind}"`);
}

/** `earlier`: the projections decoded before this one (weightsFrom may name one of them, never a later one). */
function projection(p: Obj, i: number, earlier: readonly Projection[]): Projection {
  const path = `projections[${i}]`;
  const from = typeof p.weightsFrom === "number" ? p.weightsFrom : 0;
  if (from > i)
    throw new WireError(
      `${path}.weightsFrom`,
      `is ${from}: it must name an earlier projection (1..${i}) or be 0 (its own weights)`,
    );
  return {
    id: str(p, "id"),
    src: str(p, "src"),
    dst: str(p, "dst"),
    port: str(p, "port"),
    connectivity: connectivity(
      p.connectivity,
      `${path}.connectivity`,
      from > 0 ? earlier[from - 1]!.connectivity.weights : undefined,
    ),
    weightBits: num(p, "weightBits"),
    scale: scale(p.scale, `${path}.scale`),
    delay: num(p, "delay"),
  };
}

const list = (o: Obj, key: string): Obj[] =>
  (Array.isArray(o[key]) ? (o[key] as unknown[]) : []).map((x, i) => obj(x, `${key}[${i}]`));

/** The module held by a decoded `Module` message. */
export function moduleFromWire(x: unknown): NmirModule {
  const m = obj(x, "module");
  const metadata = obj(m.metadata ?? {}, "metadata");
  return {
    formatVersion: num(m, "formatVersion"),
    name: str(m, "name"),
    stage: enumName(m, "stage", "module", STAGES),
    ...(typeof m.dt === "number" ? { dt: m.dt } : {}),
    inputs: list(m, "inputs").map((o, i) => ({
      id: str(o, "id"),
      shape: [...nums(o, "shape")],
      event: event(o.event, `inputs[${i}].event`),
    })),
    populations: list(m, "populations").map((o, i) => ({
      id: str(o, "id"),
      shape: [...nums(o, "shape")],
      model: model(o.model, `populations[${i}].model`),
      output: event(o.output, `populations[${i}].output`),
    })),
    projections: list(m, "projections").reduce<Projection[]>((done, o, i) => {
      done.push(projection(o, i, done));
      return done;
    }, []),
    dynamicMatmuls: list(m, "dynamicMatmuls").map((o, i) => ({
      id: str(o, "id"),
      a: str(o, "a"),
      b: str(o, "b"),
      m: num(o, "m"),
      k: num(o, "k"),
      n: num(o, "n"),
      transposeB: o.transposeB === true,
      shift: num(o, "shift"),
      outBits: num(o, "outBits"),
      output: event(o.output, `dynamicMatmuls[${i}].output`),
      ...(o.realisation === null || o.realisation === undefined
        ? {}
        : { realisation: termRealisation(o.realisation, `dynamicMatmuls[${i}].realisation`) }),
    })),
    outputs: list(m, "outputs").map((o) => ({
      id: str(o, "id"),
      src: str(o, "src"),
      scaleExp: num(o, "scaleExp"),
    })),
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])),
  };
}
