// The warnings of a batch as the pipeline reports them: the simulators' per-sample saturation lines folded into
// one summary per element (total, samples affected, most in one sample, largest overshoot, the flag that
// fixes it).

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

/**
 * The warnings of a batch, one list per sample, with the per-sample saturation lines folded into one summary
 * per element (total, samples affected, most in one sample, largest overshoot, the flag that fixes it); other warnings once each.
 */
export function summarizeWarnings(perSample: readonly (readonly string[])[]): string[] {
  const other = new Set<string>();
  const sat = new Map<
    string,
    { what: string; id: string; total: number; samples: number; most: number; over: number; overText: string }
  >();
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
  const n = perSample.length;
  const lines = [...sat.values()].map(
    (s) =>
      `${s.what} "${s.id}" saturated ${s.total} time${s.total === 1 ? "" : "s"}${n > 1 ? ` in ${s.samples} of ${n} samples (at most ${s.most} in one)` : ""}, largest overshoot ${s.overText}× the limit, values clamped: ${SATURATION_FIX[s.what]}`,
  );
  return [...other, ...lines];
}
