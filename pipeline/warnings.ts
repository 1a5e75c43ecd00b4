// The warnings of a batch as the pipeline reports them: the simulators' per-sample saturation lines folded into
// one summary per element (total, samples affected, most in one sample, largest overshoot, the flag that
// fixes it) — errors instead on an integer-exact compile, which must clip nothing.

/**
 * A saturation line of one run, as simulator/reference/runner.ts and simulator/chip/datapath.ts word it
 * (`population "p" saturated 12 times (values clamped, at most 3.20× the limit)`); cli/commands/simulate-output.test.ts pins the wording.
 */
const SATURATION =
  /^(projection|population|dynamic matmul) "(.*)" saturated (\d+) times? \(values clamped, at most ([\d.,]+)× the limit\)$/;

/** What makes each kind stop clamping: the flags of `spikegrid compile`. */
const SATURATION_FIX: Record<string, string> = {
  population: "recompile with more --state-bits, or --calibrate on representative inputs",
  projection: "recompile with --calibrate on representative inputs (or a smaller --input-range)",
  "dynamic matmul": "recompile with more --payload-bits, or --calibrate on representative inputs",
};

/** Run-time saturations on an integer-exact compile: nothing there may clip, so each is an error. */
const EXACT_SATURATION_FIX: Record<string, string> = {
  population:
    "its potential outgrew the state the exact compile chose from one step's bound: recompile with more --state-bits (up to 32)",
  projection:
    "its accumulated input outgrew the destination's state: recompile with more --state-bits (up to 32)",
  "dynamic matmul": "recompile with more --payload-bits",
};

interface Saturated {
  what: string;
  id: string;
  total: number;
  samples: number;
  most: number;
  over: number;
  overText: string;
}

/** Per-sample lines folded: saturations per element, the other lines once each. */
function fold(perSample: readonly (readonly string[])[]): { other: string[]; sat: Saturated[] } {
  const other = new Set<string>();
  const sat = new Map<string, Saturated>();
  for (const ws of perSample)
    for (const w of ws) {
      const m = SATURATION.exec(w);
      if (!m) {
        other.add(w);
        continue;
      }
      const [, what, id, n, overText] = m as unknown as [string, string, string, string, string];
      const key = `${what}\0${id}`;
      const s = sat.get(key) ?? { what, id, total: 0, samples: 0, most: 0, over: 0, overText: "" };
      s.total += Number(n);
      s.samples += 1;
      s.most = Math.max(s.most, Number(n));
      const over = Number(overText.replace(/,/g, ""));
      if (over > s.over) {
        s.over = over;
        s.overText = overText;
      }
      sat.set(key, s);
    }
  return { other: [...other], sat: [...sat.values()] };
}

const timesIn = (s: Saturated, n: number) =>
  `saturated ${s.total} time${s.total === 1 ? "" : "s"}${n > 1 ? ` in ${s.samples} of ${n} samples (at most ${s.most} in one)` : ""}`;

/**
 * The warnings of a batch, one list per sample, with the per-sample saturation lines folded into one summary
 * per element (total, samples affected, most in one sample, largest overshoot, the flag that fixes it); other warnings once each.
 */
export function summarizeWarnings(perSample: readonly (readonly string[])[]): string[] {
  const { other, sat } = fold(perSample);
  const n = perSample.length;
  const lines = sat.map(
    (s) =>
      `${s.what} "${s.id}" ${timesIn(s, n)}, largest overshoot ${s.overText}× the limit, values clamped: ${SATURATION_FIX[s.what]}`,
  );
  return [...other, ...lines];
}

/** What a batch's run reports: warnings, and errors (saturations of an integer-exact compile). */
export interface RunDiagnostics {
  warnings: string[];
  errors: string[];
}

/**
 * summarizeWarnings, except that on an integer-exact compile (`exact`: the module's ranges are "exact") every
 * saturation is an error: such a compile rounds and clips nothing, so a clamp means the run is no longer exact.
 */
export function runDiagnostics(perSample: readonly (readonly string[])[], exact: boolean): RunDiagnostics {
  if (!exact) return { warnings: summarizeWarnings(perSample), errors: [] };
  const { other, sat } = fold(perSample);
  const n = perSample.length;
  const errors = sat.map(
    (s) =>
      `${s.what} "${s.id}" ${timesIn(s, n)} on an integer-exact compile (largest overshoot ${s.overText}× the limit, values clamped): the run is not exact — ${EXACT_SATURATION_FIX[s.what]}`,
  );
  return { warnings: other, errors };
}
