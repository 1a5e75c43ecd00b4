// convertAnnToSnn, step 2: data-based normalisation (Diehl et al. 2015; Rueckauer et al. 2017). Runs the float
// ANN one step per calibration sample through the float reference and takes, per ReLU layer, a percentile of
// its positive activations as the scale λ that maps the layer's activations to firing rates in [0, 1].

import { SpikegridError } from "../../../common/errors.js";
import { createFloatRunner } from "../../../simulator/float/index.js";
import type { NetGraph } from "../../graph/index.js";
import type { InputSamples } from "./options.js";

export interface LayerScale {
  /** The ReLU node. */
  node: string;
  /** Its scale: the percentile of its positive activations (1 when it never activated). */
  lambda: number;
  /** Positive activations seen, and all activations seen (samples × neurons). */
  positives: number;
  total: number;
  /** The largest activation seen (λ < max means the rarest activations saturate at rate 1). */
  max: number;
}

/**
 * The p-th percentile of ascending `sorted` with linear interpolation between order statistics (numpy's
 * default): rank h = (n − 1)·p/100, value x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). NaN for an empty array.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  return lo + 1 < n ? a + (h - lo) * (sorted[lo + 1]! - a) : a;
}

/** A growable float64 list (all positive activations of one layer are kept so the percentile is exact). */
class Values {
  data = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = v;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.n).sort();
  }
}

/**
 * λ of every ReLU in `relus` over the calibration samples: the graph runs as a one-step stateless network
 * (dt = 1, reset before each sample), so each recorded output is the ANN's activation for that sample.
 */
export function calibrateRelus(
  g: NetGraph,
  relus: readonly string[],
  samples: ReadonlyMap<string, InputSamples>,
  p: number,
): LayerScale[] {
  const runner = createFloatRunner(g, { dt: 1 });
  const views = relus.map((id) => runner.output(id));
  const values = relus.map(() => new Values());
  const max = relus.map(() => 0);
  const count = [...samples.values()][0]?.count ?? 0;
  for (let s = 0; s < count; s++) {
    runner.reset();
    const step = new Map<string, ArrayLike<number>>();
    for (const [id, x] of samples) {
      step.set(
        id,
        Float64Array.from({ length: x.per }, (_, i) => Number(x.data[s * x.per + i])),
      );
    }
    try {
      runner.step(step);
    } catch (e) {
      if (!(e instanceof SpikegridError)) throw e;
      throw new SpikegridError(e.code, `convert.calibration sample ${s}: ${e.message}`, {
        details: [...e.details],
        ...(e.hint === undefined ? {} : { hint: e.hint }),
        cause: e,
      });
    }
    views.forEach((out, l) => {
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        if (v > 0) {
          values[l]!.push(v);
          if (v > max[l]!) max[l] = v;
        }
      }
    });
  }
  return relus.map((node, l) => {
    const vs = values[l]!;
    const lambda = vs.n > 0 ? percentile(vs.sorted(), p) : 1;
    return { node, lambda, positives: vs.n, total: count * views[l]!.length, max: max[l]! };
  });
}
