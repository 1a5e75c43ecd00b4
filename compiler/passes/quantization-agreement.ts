// How closely an integer run follows the float run of the same network (what quantization cost in behaviour):
// output error, spike agreement per population and argmax agreement of time-summed outputs. Takes results
// of the float NetGraph reference (simulator/float) and of the reference interpreter (simulator/reference).

/** What is read of a float run (runFloat's result): outputs and dense records, one array per step. */
export interface FloatRunLike {
  outputs: ReadonlyMap<string, Float64Array[]>;
  records?: ReadonlyMap<string, Float64Array[]>;
}

/** Sparse events of one step (the reference interpreter's records). */
export interface StepEventsLike {
  index: ArrayLike<number>;
  value: ArrayLike<number>;
}

/** What is read of an integer run (runReference's result): scaled outputs and event records. */
export interface IntRunLike {
  outputsScaled: ReadonlyMap<string, Float64Array[]>;
  records?: ReadonlyMap<string, StepEventsLike[]>;
}

export interface OutputAgreement {
  /** Output id in the integer run (and the float run's, when they differ). */
  id: string;
  floatId: string;
  /** Over every (sample, step, element): max |float − int|, root mean square error, ‖float − int‖₂/‖float‖₂. */
  maxAbs: number;
  rmse: number;
  relative: number;
  /** Fraction of samples whose outputs summed over the compared steps have the same argmax. */
  argmax: number;
}

export interface SpikeAgreement {
  id: string;
  /** Fraction of (neuron, step) pairs, over all samples, where both runs spiked or both stayed silent. */
  fraction: number;
  floatSpikes: number;
  intSpikes: number;
}

export interface Agreement {
  samples: number;
  /** Steps compared per sample (integer step t + lag against float step t). */
  steps: number;
  lag: number;
  outputs: OutputAgreement[];
  spikes: SpikeAgreement[];
}

export interface AgreementOptions {
  /** Integer step t + lag is compared with float step t (pipelined mode lags by the network depth). */
  lag?: number;
}

const argmaxOf = (xs: Float64Array) => xs.reduce((best, v, i) => (v > xs[best]! ? i : best), 0);

/** Pairs outputs by id; a single output on each side pairs whatever the ids. */
function pairOutputs(f: ReadonlyMap<string, unknown>, q: ReadonlyMap<string, unknown>): [string, string][] {
  const both = [...q.keys()].filter((id) => f.has(id)).map((id): [string, string] => [id, id]);
  if (both.length === 0 && f.size === 1 && q.size === 1) return [[[...q.keys()][0]!, [...f.keys()][0]!]];
  return both;
}

/**
 * Compares one or several samples (float run i with integer run i). Outputs are compared as float readings
 * (`outputsScaled`); spike agreement covers every id recorded in both runs, the float record read as a spike
 * where > 0 and the integer record where an event with a nonzero value is present.
 */
export function agreement(
  floatRuns: FloatRunLike | readonly FloatRunLike[],
  intRuns: IntRunLike | readonly IntRunLike[],
  opts: AgreementOptions = {},
): Agreement {
  const fs = Array.isArray(floatRuns) ? floatRuns : [floatRuns as FloatRunLike];
  const qs = Array.isArray(intRuns) ? intRuns : [intRuns as IntRunLike];
  const samples = Math.min(fs.length, qs.length);
  const lag = opts.lag ?? 0;
  const first = fs[0];
  const firstQ = qs[0];
  if (!first || !firstQ) return { samples: 0, steps: 0, lag, outputs: [], spikes: [] };
  const pairs = pairOutputs(first.outputs, firstQ.outputsScaled);
  let steps = Number.POSITIVE_INFINITY;
  for (let s = 0; s < samples; s++) {
    for (const [qid, fid] of pairs) {
      const nf = fs[s]!.outputs.get(fid)?.length ?? 0;
      const nq = qs[s]!.outputsScaled.get(qid)?.length ?? 0;
      steps = Math.min(steps, nf, nq - lag);
    }
  }
  if (!Number.isFinite(steps) || steps < 0) steps = 0;

  const outputs = pairs.map(([qid, fid]): OutputAgreement => {
    let maxAbs = 0;
    let sq = 0;
    let ref = 0;
    let count = 0;
    let same = 0;
    for (let s = 0; s < samples; s++) {
      const f = fs[s]!.outputs.get(fid)!;
      const q = qs[s]!.outputsScaled.get(qid)!;
      const n = f[0]?.length ?? 0;
      const sumF = new Float64Array(n);
      const sumQ = new Float64Array(n);
      for (let t = 0; t < steps; t++) {
        const a = f[t]!;
        const b = q[t + lag]!;
        for (let i = 0; i < n; i++) {
          const e = a[i]! - b[i]!;
          maxAbs = Math.max(maxAbs, Math.abs(e));
          sq += e * e;
          ref += a[i]! * a[i]!;
          sumF[i]! += a[i]!;
          sumQ[i]! += b[i]!;
          count++;
        }
      }
      if (n > 0 && argmaxOf(sumF) === argmaxOf(sumQ)) same++;
    }
    const relative = sq === 0 ? 0 : ref === 0 ? Number.POSITIVE_INFINITY : Math.sqrt(sq / ref);
    return {
      id: qid,
      floatId: fid,
      maxAbs,
      rmse: count ? Math.sqrt(sq / count) : 0,
      relative,
      argmax: samples ? same / samples : 0,
    };
  });

  const ids = [...(firstQ.records?.keys() ?? [])].filter((id) => first.records?.has(id));
  const spikes = ids.map((id): SpikeAgreement => {
    let equal = 0;
    let total = 0;
    let floatSpikes = 0;
    let intSpikes = 0;
    for (let s = 0; s < samples; s++) {
      const f = fs[s]!.records?.get(id) ?? [];
      const q = qs[s]!.records?.get(id) ?? [];
      for (let t = 0; t < steps && t < f.length && t + lag < q.length; t++) {
        const dense = f[t]!;
        const bits = new Uint8Array(dense.length);
        const ev = q[t + lag]!;
        for (let k = 0; k < ev.index.length; k++) if (ev.value[k] !== 0) bits[ev.index[k]!] = 1;
        for (let i = 0; i < dense.length; i++) {
          const a = dense[i]! > 0 ? 1 : 0;
          floatSpikes += a;
          intSpikes += bits[i]!;
          if (a === bits[i]) equal++;
          total++;
        }
      }
    }
    return { id, fraction: total ? equal / total : 1, floatSpikes, intSpikes };
  });
  return { samples, steps, lag, outputs, spikes };
}
