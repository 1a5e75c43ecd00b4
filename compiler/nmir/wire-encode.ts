// NmirModule → plain objects shaped like the messages of nmir.proto (protobufjs encodes them directly).
// Scalars that do not fit their wire type are refused rather than silently truncated.

import { assertNever, SpikegridError } from "../../common/errors.js";
import type { Connectivity, Weights } from "./connectivity.js";
import type { Activation, FireRule, NeuronModel, Param, ResetMode, SpikingFields } from "./neuron-models.js";
import { weightSources } from "./shared-weights.js";
import type { EventKind, NmirModule, Projection, Scale, Stage, TermRealisation } from "./types.js";

export type Wire = Record<string, unknown>;

export const STAGE_WIRE: Record<Stage, number> = { lowered: 1, quantized: 2 };
export const TERM_FORM_WIRE: Record<TermRealisation["form"], number> = { coincidence: 1, product: 2 };
export const RESET_WIRE: Record<ResetMode, number> = { zero: 1, subtract: 2, none: 3 };
export const FIRE_WIRE: Record<FireRule, number> = { gt: 1, ge: 2 };

function refuse(path: string, what: string): never {
  throw new SpikegridError("NMIR_INVALID", `cannot encode ${path}: ${what}`, {
    hint: "run verify(ir) first; it names every malformed field",
  });
}

function u32(path: string, x: unknown): number {
  if (typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 0xffffffff) return x;
  return refuse(path, `${String(x)} is not an unsigned 32-bit integer`);
}

function s32(path: string, x: unknown): number {
  if (typeof x === "number" && Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31) return x;
  return refuse(path, `${String(x)} is not a signed 32-bit integer`);
}

function enumOf<K extends string>(path: string, table: Record<K, number>, x: K): number {
  const v = Object.hasOwn(table, x) ? table[x] : undefined;
  return v ?? refuse(path, `unknown value ${JSON.stringify(x)}`);
}

function dbl(path: string, x: unknown): number {
  return typeof x === "number" ? x : refuse(path, `${String(x)} is not a number`);
}

const u32s = (path: string, xs: readonly number[]) => xs.map((x, i) => u32(`${path}[${i}]`, x));

function param(path: string, p: Param): Wire {
  if (p instanceof Int32Array) return { ints: { values: p } };
  if (p instanceof Float64Array) return { doubles: { values: p } };
  return refuse(path, "a parameter must be an Int32Array or a Float64Array");
}

function weights(path: string, w: Weights): Wire {
  if (w instanceof Int32Array) return { ints: { values: w } };
  if (w instanceof Float32Array) return { floats: { values: w } };
  return refuse(path, "weights must be an Int32Array or a Float32Array");
}

function ints(path: string, a: Int32Array): Int32Array {
  return a instanceof Int32Array ? a : refuse(path, "must be an Int32Array");
}

function event(path: string, e: EventKind): Wire {
  switch (e.kind) {
    case "spike":
      return { spike: {} };
    case "graded":
      return { graded: { bits: u32(`${path}.bits`, e.bits) } };
    default:
      return assertNever(e, "event kind");
  }
}

function spiking(path: string, m: SpikingFields): Wire {
  return {
    vth: param(`${path}.vth`, m.vth),
    bias: param(`${path}.bias`, m.bias),
    vReset: param(`${path}.vReset`, m.vReset),
    ...(m.vMin === undefined ? {} : { vMin: param(`${path}.vMin`, m.vMin) }),
    reset: enumOf(`${path}.reset`, RESET_WIRE, m.reset),
    fire: enumOf(`${path}.fire`, FIRE_WIRE, m.fire),
    refractory: u32(`${path}.refractory`, m.refractory),
    vBits: u32(`${path}.vBits`, m.vBits),
  };
}

function activation(path: string, a: Activation): Wire {
  switch (a.kind) {
    case "none":
      return { none: {} };
    case "relu":
      return { relu: {} };
    case "clamp":
      return { clamp: { lo: dbl(`${path}.lo`, a.lo), hi: dbl(`${path}.hi`, a.hi) } };
    default:
      return assertNever(a, "activation");
  }
}

function model(path: string, m: NeuronModel): Wire {
  switch (m.kind) {
    case "lif":
      return {
        lif: {
          dv: param(`${path}.dv`, m.dv),
          decayBits: u32(`${path}.decayBits`, m.decayBits),
          spiking: spiking(path, m),
          ...(m.leakBelow ? { leakBelow: true } : {}),
        },
      };
    case "cubaLif":
      return {
        cubaLif: {
          du: param(`${path}.du`, m.du),
          dv: param(`${path}.dv`, m.dv),
          decayBits: u32(`${path}.decayBits`, m.decayBits),
          uBits: u32(`${path}.uBits`, m.uBits),
          spiking: spiking(path, m),
        },
      };
    case "if":
      return { integrateFire: { spiking: spiking(path, m) } };
    case "li":
    case "cubaLi": {
      const li = {
        dv: param(`${path}.dv`, m.dv),
        decayBits: u32(`${path}.decayBits`, m.decayBits),
        bias: param(`${path}.bias`, m.bias),
        vBits: u32(`${path}.vBits`, m.vBits),
        outShift: u32(`${path}.outShift`, m.outShift),
        outBits: u32(`${path}.outBits`, m.outBits),
      };
      if (m.kind === "li") return { li };
      return { cubaLi: { du: param(`${path}.du`, m.du), uBits: u32(`${path}.uBits`, m.uBits), li } };
    }
    case "linear":
      return {
        linear: {
          bias: param(`${path}.bias`, m.bias),
          outMul: param(`${path}.outMul`, m.outMul),
          outShift: u32(`${path}.outShift`, m.outShift),
          activation: activation(`${path}.activation`, m.activation),
          outBits: u32(`${path}.outBits`, m.outBits),
        },
      };
    case "product":
      return {
        product: { shift: u32(`${path}.shift`, m.shift), outBits: u32(`${path}.outBits`, m.outBits) },
      };
    case "threshold":
      return {
        threshold: {
          vth: param(`${path}.vth`, m.vth),
          bias: param(`${path}.bias`, m.bias),
          fire: enumOf(`${path}.fire`, FIRE_WIRE, m.fire),
        },
      };
    case "function":
      return {
        function: {
          fn: m.fn,
          bias: param(`${path}.bias`, m.bias),
          xs: param(`${path}.xs`, m.xs),
          ys: param(`${path}.ys`, m.ys),
          slopes: param(`${path}.slopes`, m.slopes),
          slopeShift: u32(`${path}.slopeShift`, m.slopeShift),
          outBits: u32(`${path}.outBits`, m.outBits),
        },
      };
    default:
      return assertNever(m, "neuron model");
  }
}

/** `shared`: the weights are an earlier projection's (Projection.weights_from), written as an empty Weights. */
function connectivity(path: string, c: Connectivity, shared = false): Wire {
  const w = shared ? {} : weights(`${path}.weights`, c.weights);
  switch (c.kind) {
    case "dense":
      return {
        dense: {
          inSize: u32(`${path}.inSize`, c.inSize),
          outSize: u32(`${path}.outSize`, c.outSize),
          weights: w,
        },
      };
    case "sparse":
      return {
        sparse: {
          inSize: u32(`${path}.inSize`, c.inSize),
          outSize: u32(`${path}.outSize`, c.outSize),
          rowPtr: ints(`${path}.rowPtr`, c.rowPtr),
          colIdx: ints(`${path}.colIdx`, c.colIdx),
          weights: w,
        },
      };
    case "conv1d":
    case "conv2d": {
      // conv1d stores scalars, conv2d pairs: refuse the other form instead of writing it to the wrong field.
      const pick = (name: string, v: number | readonly number[]) => {
        if (c.kind === "conv1d") return u32(`${path}.${name}`, v);
        if (Array.isArray(v) && v.length === 2) return u32s(`${path}.${name}`, v);
        return refuse(`${path}.${name}`, "must be a pair of integers");
      };
      const body = {
        inShape: u32s(`${path}.inShape`, c.inShape),
        outShape: u32s(`${path}.outShape`, c.outShape),
        kernel: u32s(`${path}.kernel`, c.kernel),
        weights: w,
        stride: pick("stride", c.stride),
        padding: pick("padding", c.padding),
        dilation: pick("dilation", c.dilation),
        groups: u32(`${path}.groups`, c.groups),
      };
      return c.kind === "conv1d" ? { conv1d: body } : { conv2d: body };
    }
    case "oneToOne":
      return { oneToOne: { size: u32(`${path}.size`, c.size), weights: w } };
    case "rowwise":
      return {
        rowwise: {
          rows: u32(`${path}.rows`, c.rows),
          kernel: u32s(`${path}.kernel`, c.kernel),
          weights: w,
          srcTransposed: c.srcTransposed,
          dstTransposed: c.dstTransposed,
        },
      };
    default:
      return assertNever(c, "connectivity");
  }
}

function scale(path: string, s: Scale): Wire {
  switch (s.kind) {
    case "perProjection":
      return { perProjection: { exp: s32(`${path}.exp`, s.exp) } };
    case "perChannel":
      return { perChannel: { exps: ints(`${path}.exps`, s.exps) } };
    default:
      return assertNever(s, "scale");
  }
}

/** `weightsFrom`: 0, or 1 + the index of the earlier projection whose weights this one repeats. */
function projection(p: Projection, weightsFrom: number): Wire {
  const path = `projection "${p.id}"`;
  return {
    id: p.id,
    src: p.src,
    dst: p.dst,
    port: p.port,
    connectivity: connectivity(`${path}.connectivity`, p.connectivity, weightsFrom > 0),
    weightBits: u32(`${path}.weightBits`, p.weightBits),
    scale: scale(`${path}.scale`, p.scale),
    delay: u32(`${path}.delay`, p.delay),
    ...(weightsFrom > 0 ? { weightsFrom } : {}),
  };
}

/** The `Module` message of a module, as a plain object for protobufjs `encode`. */
export function moduleToWire(m: NmirModule): Wire {
  // a set of weights repeated across projections is written once (the file of an ImageNet Spikformer
  // otherwise holds each per-token linear once per residual term: 5× its weights, GBs to decode)
  const from = weightSources(m.projections);
  return {
    formatVersion: u32("formatVersion", m.formatVersion),
    name: m.name,
    stage: enumOf("stage", STAGE_WIRE, m.stage),
    ...(m.dt === undefined ? {} : { dt: dbl("dt", m.dt) }),
    inputs: m.inputs.map((i) => ({
      id: i.id,
      shape: u32s(`input "${i.id}".shape`, i.shape),
      event: event(`input "${i.id}".event`, i.event),
    })),
    populations: m.populations.map((p) => {
      const path = `population "${p.id}"`;
      return {
        id: p.id,
        shape: u32s(`${path}.shape`, p.shape),
        model: model(`${path}.model`, p.model),
        output: event(`${path}.output`, p.output),
      };
    }),
    projections: m.projections.map((p, i) => projection(p, from[i]!)),
    dynamicMatmuls: m.dynamicMatmuls.map((d) => {
      const path = `dynamic matmul "${d.id}"`;
      return {
        id: d.id,
        a: d.a,
        b: d.b,
        m: u32(`${path}.m`, d.m),
        k: u32(`${path}.k`, d.k),
        n: u32(`${path}.n`, d.n),
        transposeB: d.transposeB,
        shift: u32(`${path}.shift`, d.shift),
        outBits: u32(`${path}.outBits`, d.outBits),
        output: event(`${path}.output`, d.output),
        ...(d.realisation === undefined
          ? {}
          : {
              realisation: {
                form: enumOf(`${path}.realisation.form`, TERM_FORM_WIRE, d.realisation.form),
                preShift: u32(`${path}.realisation.preShift`, d.realisation.preShift),
              },
            }),
      };
    }),
    outputs: m.outputs.map((o) => ({
      id: o.id,
      src: o.src,
      scaleExp: s32(`output "${o.id}".scaleExp`, o.scaleExp),
    })),
    metadata: Object.fromEntries(
      Object.entries(m.metadata).map(([k, v]) =>
        typeof v === "string" ? [k, v] : refuse(`metadata "${k}"`, "values must be strings"),
      ),
    ),
  };
}
