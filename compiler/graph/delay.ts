// A Delay node's delays in whole timesteps of dt: a pure function of the node, shared by the compiler (taps)
// and the float reference (its ring buffer).

import { SpikegridError } from "../../common/errors.js";
import type { DelayNode } from "./nodes-structural.js";

/** Where the node sits: its id (for the message), the step, its output shape. */
export interface DelayContext {
  id: string;
  dt: number;
  outShape: readonly number[];
}

/** Whole timesteps of each element's delay; throws when τ/dt is not within 1e-6 of an integer. */
export function delaySteps(node: DelayNode, ctx: DelayContext): Int32Array {
  const n = ctx.outShape.reduce((a, b) => a * b, 1);
  const steps = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const tau = node.delay.data.length === 1 ? node.delay.data[0]! : node.delay.data[i]!;
    const k = tau / ctx.dt;
    const r = Math.round(k);
    if (Math.abs(k - r) > 1e-6) {
      throw new SpikegridError(
        "USAGE",
        `node "${ctx.id}" (Delay): delay ${tau} s is not a whole number of steps of dt = ${ctx.dt} s (${k} steps)`,
        {
          hint: "choose a dt that divides every delay (e.g. --dt 1e-4), or round the delays in the producer",
        },
      );
    }
    steps[i] = r;
  }
  return steps;
}
