// Float kernels of the neuron nodes (I, IF, LI, LIF, CubaLI, CubaLIF, Threshold): forward Euler with step dt.
// Per step: integrate, spike test (v > θ, or ≥ with fire "ge"), reset, then the vMin clamp (sinabs order).

import { assertNever } from "../../../common/errors.js";
import type {
  CubaLIFNode,
  CubaLINode,
  GraphNode,
  IFNode,
  INode,
  LIFNode,
  LINode,
  NdArray,
  SpikeOptions,
  ThresholdNode,
} from "../../../compiler/graph/index.js";
import { expand, type Kernel, type KernelContext, sizeOfShape } from "./types.js";

/** Spike test, reset and clamp of one population after integration; writes spikes (0/1) into `out`. */
interface SpikeStage {
  apply(v: Float64Array, out: Float64Array): void;
}

function spikeStage(
  node: SpikeOptions & { vThreshold: { data: ArrayLike<number> }; vReset: { data: ArrayLike<number> } },
  n: number,
): SpikeStage {
  const th = expand(node.vThreshold, n);
  const vReset = expand(node.vReset, n);
  const vMin = node.vMin ? expand(node.vMin, n) : undefined;
  const ge = node.fire === "ge";
  const mode = node.resetMode;
  return {
    apply(v, out) {
      for (let i = 0; i < n; i++) {
        const vi = v[i]!;
        const z = ge ? vi >= th[i]! : vi > th[i]!;
        out[i] = z ? 1 : 0;
        if (!z) continue;
        switch (mode) {
          case "value":
            v[i] = vReset[i]!;
            break;
          case "subtract":
            v[i] = vi - th[i]!;
            break;
          case "none":
            break;
          default:
            assertNever(mode, "reset mode");
        }
      }
      // sinabs (layers/functional/lif.py) clamps min_v_mem at the end of the step, after spiking and reset;
      // for vMin ≤ min(0, vReset, θ) this equals clamping before the spike test.
      if (vMin) for (let i = 0; i < n; i++) if (v[i]! < vMin[i]!) v[i] = vMin[i]!;
    },
  };
}

function neuronKernel(
  n: number,
  update: (x: Float64Array, v: Float64Array, out: Float64Array) => void,
  extra?: Float64Array,
): Kernel {
  const v = new Float64Array(n);
  const out = new Float64Array(n);
  return {
    out,
    state: v,
    step: (inputs) => update(inputs[0]!, v, out),
    reset: () => {
      v.fill(0);
      out.fill(0);
      extra?.fill(0);
    },
  };
}

/** v ← v + dt·R·x; y = v. */
export function iKernel(node: INode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const g = expand(node.r, n, (r) => ctx.dt * r);
  return neuronKernel(n, (x, v, out) => {
    for (let i = 0; i < n; i++) {
      v[i]! += g[i]! * x[i]!;
      out[i] = v[i]!;
    }
  });
}

/** v ← v + dt·R·x; spike and reset. */
export function ifKernel(node: IFNode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const g = expand(node.r, n, (r) => ctx.dt * r);
  const stage = spikeStage(node, n);
  return neuronKernel(n, (x, v, out) => {
    for (let i = 0; i < n; i++) v[i]! += g[i]! * x[i]!;
    stage.apply(v, out);
  });
}

/** The leaky part shared by LI and LIF: v ← v + dt/τ·(v_leak − v + R·x). */
function leak(node: LINode | LIFNode, ctx: KernelContext, n: number) {
  const a = expand(node.tau, n, (tau) => ctx.dt / tau);
  const r = expand(node.r, n);
  const vLeak = expand(node.vLeak, n);
  return (x: Float64Array, v: Float64Array) => {
    for (let i = 0; i < n; i++) v[i]! += a[i]! * (vLeak[i]! - v[i]! + r[i]! * x[i]!);
  };
}

export function liKernel(node: LINode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const integrate = leak(node, ctx, n);
  return neuronKernel(n, (x, v, out) => {
    integrate(x, v);
    out.set(v);
  });
}

export function lifKernel(node: LIFNode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const integrate = leak(node, ctx, n);
  const stage = spikeStage(node, n);
  return neuronKernel(n, (x, v, out) => {
    integrate(x, v);
    stage.apply(v, out);
  });
}

/** I ← I + dt/τ_syn·(−I + w_in·x); v ← v + dt/τ_mem·(v_leak − v + R·I) with the updated I. */
function cuba(node: CubaLINode | CubaLIFNode, ctx: KernelContext, n: number) {
  const as = expand(node.tauSyn, n, (t) => ctx.dt / t);
  const am = expand(node.tauMem, n, (t) => ctx.dt / t);
  const wIn = expand(node.wIn, n);
  const r = expand(node.r, n);
  const vLeak = expand(node.vLeak, n);
  const cur = new Float64Array(n);
  const integrate = (x: Float64Array, v: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const c = cur[i]! + as[i]! * (wIn[i]! * x[i]! - cur[i]!);
      cur[i] = c;
      v[i]! += am[i]! * (vLeak[i]! - v[i]! + r[i]! * c);
    }
  };
  return { cur, integrate };
}

export function cubaLiKernel(node: CubaLINode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const { cur, integrate } = cuba(node, ctx, n);
  return neuronKernel(
    n,
    (x, v, out) => {
      integrate(x, v);
      out.set(v);
    },
    cur,
  );
}

export function cubaLifKernel(node: CubaLIFNode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const { cur, integrate } = cuba(node, ctx, n);
  const stage = spikeStage(node, n);
  return neuronKernel(
    n,
    (x, v, out) => {
      integrate(x, v);
      stage.apply(v, out);
    },
    cur,
  );
}

/** Stateless z = x > θ (or ≥). */
export function thresholdKernel(node: ThresholdNode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const th = expand(node.threshold, n);
  const ge = node.fire === "ge";
  const out = new Float64Array(n);
  return {
    out,
    step: (inputs) => {
      const x = inputs[0]!;
      for (let i = 0; i < n; i++) out[i] = (ge ? x[i]! >= th[i]! : x[i]! > th[i]!) ? 1 : 0;
    },
    reset: () => out.fill(0),
  };
}

/** The smallest time constant of each kind a node integrates by forward Euler (for the dt/τ > 1 warning). */
export function eulerTimeConstants(node: GraphNode): [string, number][] {
  const min = (p: NdArray) => {
    let m = Number.POSITIVE_INFINITY;
    for (const v of p.data) m = Math.min(m, v);
    return m;
  };
  switch (node.kind) {
    case "LI":
    case "LIF":
      return [["tau", min(node.tau)]];
    case "CubaLI":
    case "CubaLIF":
      return [
        ["tauSyn", min(node.tauSyn)],
        ["tauMem", min(node.tauMem)],
      ];
    default:
      return [];
  }
}
