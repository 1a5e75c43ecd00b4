// The bound every hostile-input regression test puts on a call: it ends (a value or the project's user error)
// within a time and an rss growth generous for a loaded 2-core machine; rss counts typed arrays too.

import { expect } from "vitest";
import { SpikegridError } from "../../common/errors.js";

export const GiB = 2 ** 30;

/** Runs `f` and returns its value or the SpikegridError it threw, asserting the time and rss-growth bounds. */
export function bounded<T>(
  f: () => T,
  { maxMs = 15_000, maxGrowth = 0.75 * GiB }: { maxMs?: number; maxGrowth?: number } = {},
): T | SpikegridError {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let out: T | SpikegridError;
  try {
    out = f();
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    out = e;
  }
  expect(performance.now() - t0).toBeLessThan(maxMs);
  expect(process.memoryUsage().rss - rss0).toBeLessThan(maxGrowth);
  return out;
}
