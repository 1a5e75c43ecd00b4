// lowerToNmir: the clip-start choice (CompileOptions.clipStart, ClipStart in compiler/graph/lookahead.ts) and
// the note saying what "free" gives up. Gates are product populations, which loihi, speck, truenorth and xylo
// lack, so "auto" drops them exactly when the target profile could not map them.

import type { ClipStart } from "../../graph/index.js";
import type { CompileOptions } from "../pass.js";
import { profileOf, type QuantCompileOptions } from "../quant-plan.js";

export interface ClipStartChoice {
  mode: ClipStart;
  /** Why this mode, for the note ("" for the default gate). */
  why: string;
}

export function resolveClipStart(o: CompileOptions): ClipStartChoice {
  const asked = o.clipStart ?? "auto";
  if (asked !== "auto") return { mode: asked, why: `clipStart "${asked}"` };
  const profile = profileOf((o as QuantCompileOptions).profile);
  if (profile && !profile.core.capabilities.productNeurons)
    return { mode: "free", why: `auto: profile "${profile.name}" has no product neurons for gates` };
  return { mode: "gate", why: "" };
}

/** A population port that "free" leaves ungated; its frame 0 is step `start`. */
export interface Ungated {
  population: string;
  port: string;
  start: number;
}

/** The note of a "free" lowering that would have gated `list`: which ports, and what it costs. */
export function ungatedNote(list: readonly Ungated[], why: string): string {
  const name = (u: Ungated) => `${u.population}${u.port === "in" ? "" : `.${u.port}`}`;
  const shown = list.slice(0, 8).map((u) => `${name(u)} (frame 0 at step ${u.start})`);
  const more = list.length > shown.length ? `, … ${list.length - shown.length} more` : "";
  return (
    `clip start "free" (${why}): no "<id>.gate" product populations, so ${list.length} population port(s) ` +
    `read the partial sums a look-ahead TemporalConv makes of its first input frames for frames < 0 before ` +
    `their frame 0: ${shown.join(", ")}${more}. They (and what they feed) are not at rest at frame 0, so the ` +
    `first frames differ from the whole-clip definition (PyTorch on the clip) until that settles; ` +
    `--clip-start gate keeps them exact`
  );
}
