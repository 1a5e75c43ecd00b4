// lowerToNmir: what the lowering cannot keep of the look-ahead plan's zero padding, as warnings.
// Populations cannot be held at reset before their frame 0 as the float reference holds its nodes: the
// lowering delays every constant to frame 0 and gates ports that would receive earlier partial sums, which
// suffices when a population left alone with zero input stays at 0 and silent. And a look-ahead conv's frames
// < 0 (partial sums of its first input frames) can only be gated at a population, not inside a linear path.

import type { LookaheadPlan, NdArray } from "../../graph/index.js";
import type { PathContext } from "./paths.js";
import type { Role } from "./roles.js";

type Warn = (message: string, where: string) => void;

const any = (p: NdArray | undefined, f: (v: number) => boolean) =>
  p !== undefined && Array.from(p.data).some(f);

/** Why a population boundary does not stay at 0 with zero input and zero bias, or undefined. */
function restless(node: PathContext["schedule"]["nodes"][number]["node"]): string | undefined {
  const why: string[] = [];
  if ("vLeak" in node && any(node.vLeak, (v) => v !== 0)) why.push("v_leak ≠ 0 drifts v");
  if ("vThreshold" in node) {
    const ge = node.fire === "ge";
    if (any(node.vThreshold, (v) => (ge ? v <= 0 : v < 0))) why.push("v = 0 already crosses the threshold");
    if (any(node.vMin, (v) => v > 0)) why.push("vMin > 0 lifts v");
  }
  if (node.kind === "Threshold" && any(node.threshold, (v) => (node.fire === "ge" ? v <= 0 : v < 0)))
    why.push("0 already crosses the threshold");
  if (node.kind === "Activation" && node.fn === "clamp" && ((node.min ?? 0) > 0 || (node.max ?? 0) < 0))
    why.push("clamp(0) ≠ 0");
  return why.length ? why.join(", ") : undefined;
}

/**
 * Warns (1) for each population that starts after step 0 and is not at rest with zero input, and (2) for each
 * linear node that reads frames < 0 of a look-ahead conv through linear nodes only (a Delay, the past taps of
 * a TemporalConv, or a recurrent edge): those partial sums then enter frames ≥ 0, where the definition has
 * zero padding and the float reference agrees with it.
 */
export function lookaheadWarnings(pc: PathContext, plan: LookaheadPlan, roles: Role[], warn: Warn): void {
  const { nodes } = pc.schedule;
  // junk[i]: linear node i's frames −junk[i] … −1 may hold partial sums in the causal tap realization
  const junk = new Int32Array(nodes.length);
  nodes.forEach((sn, i) => {
    if (roles[i] === "population" && plan.start[i]! > 0) {
      const why = restless(sn.node);
      if (why) {
        warn(
          `not at rest with zero input (${why}): before step ${plan.start[i]} (its frame 0) it evolves where the float reference holds it at reset, so the two differ from then on`,
          sn.id,
        );
      }
    }
    if (roles[i] !== "linear") return;
    let jin = 0;
    for (const port of sn.sources)
      for (const s of port) if (!s.recurrent && roles[s.src] === "linear") jin = Math.max(jin, junk[s.src]!);
    const own = plan.ahead[i]! - plan.start[i]!;
    const delays = pc.taps(i).taps.map((t) => t.delay);
    junk[i] = Math.max(0, jin + own - Math.min(...delays));
    const past = delays.filter((d) => d > own && d - own <= jin);
    if (past.length) {
      warn(
        `reads frames < 0 of a look-ahead TemporalConv upstream through linear nodes only (${jin} partial-sum frame(s), read ${Math.max(...past) - own} step(s) back): they enter its frames ≥ 0, where the float reference has zero padding; put a population (e.g. an identity Activation) between them`,
        sn.id,
      );
    }
  });
  for (const sn of nodes) {
    for (const port of sn.sources)
      for (const s of port) {
        if (s.recurrent && roles[s.src] === "linear" && junk[s.src]! > 0) {
          warn(
            `the recurrent edge from "${nodes[s.src]!.id}" carries partial sums of a look-ahead TemporalConv's frames < 0 into frame 0; put a population between the conv and the loop`,
            sn.id,
          );
        }
      }
  }
}
