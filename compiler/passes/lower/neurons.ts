// lowerToNmir, step 6: NetGraph neurons and graded boundaries → NMIR models at stage "lowered" (real numbers).
// Forward Euler with step dt; decays in retention form with decayBits = 12; the input gain of each neuron is
// folded into its incoming projections (see README "Neuron parameter mapping").

import { assertNever } from "../../../common/errors.js";
import type { GraphNode, NdArray, SpikeOptions } from "../../graph/index.js";
import {
  createCubaLi,
  createCubaLif,
  createFunction,
  createIf,
  createLi,
  createLif,
  createLinear,
  createProduct,
  createThreshold,
  type NeuronModel,
  type Param,
  type ResetMode,
} from "../../nmir/index.js";

/** Decay resolution at stage lowered (Loihi's 12 bits); dv = 2^12·dt/τ may be any real number there. */
export const DECAY_BITS = 12;
/** Widths at stage lowered: the widest; quantization chooses the real ones. */
export const LOWERED_BITS = 32;

/** What a population needs from its incoming paths and how its model is built. */
export interface PopulationPlan {
  /** NMIR input ports, in the NetGraph node's port order. */
  ports: string[];
  /** Per port, per neuron: the factor folded into every incoming projection's weights. */
  gain: Float64Array[];
  /**
   * Where a constant input c (biases on the paths, per port, before the gain) goes: "bias" — into the model's
   * bias (delay-0 constants only); "tonic" — a projection from a constant spike source; "refuse" — an error.
   */
  constants: "bias" | "tonic" | "refuse";
  /** The model, given the delay-0 constants per port (zeros when none; only used when constants = "bias"). */
  model(constants: Float64Array[]): NeuronModel;
}

const FULL = 2 ** DECAY_BITS;

/** A per-neuron parameter, shortened to one broadcast value when uniform. */
export function param(v: Float64Array): Param {
  return v.every((x) => x === v[0]) ? Float64Array.of(v[0] ?? 0) : v;
}

/** `p` broadcast to n neurons (scalars and size-n arrays, as the float reference's `expand`), mapped by f. */
function ex(p: NdArray, n: number, f: (v: number, i: number) => number = (v) => v): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(p.data.length === 1 ? p.data[0]! : p.data[i]!, i);
  return out;
}

const mul = (a: Float64Array, b: Float64Array) => a.map((x, i) => x * b[i]!);
const add = (a: Float64Array, b: Float64Array) => a.map((x, i) => x + b[i]!);

function resetOf(mode: SpikeOptions["resetMode"]): ResetMode {
  switch (mode) {
    case "value":
      return "zero"; // NMIR's "zero" resets to vReset
    case "subtract":
      return "subtract";
    case "none":
      return "none";
    default:
      return assertNever(mode, "reset mode");
  }
}

function spiking(
  node: SpikeOptions & { vThreshold: NdArray; vReset: NdArray },
  n: number,
  bias: Float64Array,
) {
  return {
    vth: param(ex(node.vThreshold, n)),
    vReset: param(ex(node.vReset, n)),
    ...(node.vMin ? { vMin: param(ex(node.vMin, n)) } : {}),
    bias: param(bias),
    reset: resetOf(node.resetMode),
    fire: node.fire,
    refractory: 0,
    vBits: LOWERED_BITS,
  };
}

/** The plan of a population boundary with n neurons (dt in seconds). */
export function planPopulation(node: GraphNode, n: number, dt: number): PopulationPlan {
  const ones = new Float64Array(n).fill(1);
  const graded = { outBits: LOWERED_BITS, outShift: 0, vBits: LOWERED_BITS, decayBits: DECAY_BITS };
  switch (node.kind) {
    case "LIF":
    case "LI": {
      // v ← v + a(v_leak − v + R·I), a = dt/τ  ⇒  v ← v − v·dv/2^12 + in + bias, dv = 2^12·a,
      // in = a·R·(M x), bias = a·v_leak + a·R·c
      const a = ex(node.tau, n, (tau) => dt / tau);
      const gain = mul(a, ex(node.r, n));
      const leak = mul(a, ex(node.vLeak, n));
      const dv = param(a.map((x) => x * FULL));
      return {
        ports: ["in"],
        gain: [gain],
        constants: "bias",
        model: ([c]) => {
          const bias = add(leak, mul(gain, c!));
          return node.kind === "LIF"
            ? createLif({ dv, decayBits: DECAY_BITS, ...spiking(node, n, bias) })
            : createLi({ dv, ...graded, bias: param(bias) });
        },
      };
    }
    case "IF":
    case "I": {
      // v ← v + dt·R·I  ⇒  in = dt·R·(M x), bias = dt·R·c; I is an li that never decays (dv = 0)
      const gain = ex(node.r, n, (r) => dt * r);
      return {
        ports: ["in"],
        gain: [gain],
        constants: "bias",
        model: ([c]) =>
          node.kind === "IF"
            ? createIf(spiking(node, n, mul(gain, c!)))
            : createLi({ dv: 0, ...graded, bias: param(mul(gain, c!)) }),
      };
    }
    case "CubaLIF":
    case "CubaLI": {
      // I ← I + a_s(−I + w_in·S), v ← v + a_m(v_leak − v + R·I). With u = a_m·R·I (u in v's units per step):
      // u ← u − u·du/2^12 + in, in = a_m·R·a_s·w_in·S; v ← v − v·dv/2^12 + u + a_m·v_leak.
      const as = ex(node.tauSyn, n, (t) => dt / t);
      const am = ex(node.tauMem, n, (t) => dt / t);
      const gain = mul(mul(am, ex(node.r, n)), mul(as, ex(node.wIn, n)));
      const du = param(as.map((x) => x * FULL));
      const dv = param(am.map((x) => x * FULL));
      const bias = mul(am, ex(node.vLeak, n));
      return {
        ports: ["in"],
        gain: [gain],
        // a constant S would enter u, which has no bias in NMIR: it is fed by a constant spike source instead
        constants: "tonic",
        model: () =>
          node.kind === "CubaLIF"
            ? createCubaLif({ du, dv, decayBits: DECAY_BITS, uBits: LOWERED_BITS, ...spiking(node, n, bias) })
            : createCubaLi({ du, dv, uBits: LOWERED_BITS, ...graded, bias: param(bias) }),
      };
    }
    case "Threshold":
      // z = (M x + c) > θ  ⇒  in = M x, bias = c, vth = θ
      return {
        ports: ["in"],
        gain: [ones],
        constants: "bias",
        model: ([c]) =>
          createThreshold({ vth: param(ex(node.threshold, n)), bias: param(c!), fire: node.fire }),
      };
    case "MaxPool2d":
      // on spikes, max over a window is an OR: spike when the window's sum (a sum-pool projection) is > 0
      return {
        ports: ["in"],
        gain: [ones],
        constants: "refuse",
        model: () => createThreshold({ vth: 0, bias: 0, fire: "gt" }),
      };
    case "Activation": {
      // y = table(M x + c): a function population (table in real units; quantizeNeurons scales it)
      const t = node.table;
      if (node.fn === "table" && t)
        return {
          ports: ["in"],
          gain: [ones],
          constants: "bias",
          model: ([c]) =>
            createFunction({
              fn: t.fn,
              bias: param(c!),
              xs: Float64Array.from(t.xs),
              ys: Float64Array.from(t.ys),
              slopes: Float64Array.from(t.slopes),
              outBits: LOWERED_BITS,
            }),
        };
      // y = act(M x + c): a stateless linear population, in + bias then relu/clamp/none
      const fn = node.fn;
      const activation =
        fn === "relu"
          ? ({ kind: "relu" } as const)
          : fn === "clamp"
            ? ({ kind: "clamp", lo: node.min ?? -Infinity, hi: node.max ?? Infinity } as const)
            : ({ kind: "none" } as const);
      return {
        ports: ["in"],
        gain: [ones],
        constants: "bias",
        model: ([c]) =>
          createLinear({ bias: param(c!), outMul: 1, outShift: 0, activation, outBits: LOWERED_BITS }),
      };
    }
    case "Product":
      // payload = a·b; the ports have no bias, so constants come from the constant spike source
      return {
        ports: ["a", "b"],
        gain: [ones, ones],
        constants: "tonic",
        model: () => createProduct({ shift: 0, outBits: LOWERED_BITS }),
      };
    default:
      throw new Error(`internal: node kind ${node.kind} is not a population boundary`);
  }
}

/** A graded identity population (materialized outputs and matmul operands): y = Σ in + c. */
export function identityPlan(n: number): PopulationPlan {
  return planPopulation({ kind: "Activation", fn: "identity" }, n, 1);
}
