// verify's size budgets (NMIR_LIMITS) and its own bounds: huge neuron counts, delays and delay history are
// refused by arithmetic alone, deep delay-0 chains do not overflow the stack, and millions of problems are
// counted, not listed.

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import { NMIR_LIMITS } from "./budgets.js";
import { decodeNmir, encodeNmir } from "./codec.js";
import { exampleNmir } from "./example.js";
import { layerSyncOrder } from "./graph.js";
import { chainModule, wideModule } from "./hostile.js";
import { checkNmir, MAX_LISTED_PROBLEMS, verify } from "./verify.js";

const messages = (m: Parameters<typeof checkNmir>[0]) => checkNmir(m).map((p) => `${p.where}: ${p.message}`);

describe("NMIR size budgets", () => {
  it("refuses a projection delay of 2^32 − 1 (CRC-valid file) naming the limit", () => {
    const m = exampleNmir();
    m.projections[1]!.delay = 2 ** 32 - 1;
    const decoded = decodeNmir(encodeNmir(m));
    expect(messages(decoded)).toEqual([
      `projection "rec1" (l1 → l1.in): delay = 4294967295 steps exceeds the NMIR maximum of ${NMIR_LIMITS.delay} (NMIR_LIMITS.delay); recompile without such a long delay`,
    ]);
    expect(() => verify(decoded)).toThrow(SpikegridError);
  });

  it("accepts the largest delay when the history fits", () => {
    const m = exampleNmir();
    m.projections[1]!.delay = NMIR_LIMITS.delay;
    expect(messages(m)).toEqual([]);
  });

  it("refuses delay history over the budget (many neurons × a long delay)", () => {
    const m = wideModule(2 ** 16);
    m.projections.push({ ...m.projections[0]!, id: "late", src: "l", dst: "l", delay: NMIR_LIMITS.delay });
    expect(messages(m).join("\n")).toMatch(/NMIR_LIMITS\.historyValues.*shorten the longest delays/);
  });

  it("refuses 2^32 − 1 neurons by arithmetic, in bounded time", () => {
    const t0 = performance.now();
    const out = messages(decodeNmir(encodeNmir(wideModule(2 ** 32 - 1))));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/declares 8,589,934,590 neurons .*NMIR_LIMITS\.neurons/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it("accepts exactly the neuron budget", () => {
    expect(messages(wideModule(NMIR_LIMITS.neurons / 2))).toEqual([]);
  });
});

describe("verify's own bounds", () => {
  it("walks a 20 000-layer delay-0 chain without overflowing the stack", () => {
    const m = chainModule(20_000);
    expect(messages(m)).toEqual([]);
    expect(layerSyncOrder(m)).toHaveLength(20_000);
    m.projections.push({ ...m.projections[1]!, id: "back", src: "l19999", dst: "l" });
    expect(messages(m).join("\n")).toMatch(/delay-0 cycle/);
  });

  it("counts problems past MAX_LISTED_PROBLEMS instead of listing them", () => {
    const m = chainModule(2_000);
    for (const p of m.projections) p.weightBits = 0;
    const out = checkNmir(m);
    expect(out).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(out.at(-1)?.message).toBe(`and ${2_000 - MAX_LISTED_PROBLEMS} more problems not listed`);
    try {
      verify(m);
      expect.unreachable();
    } catch (e) {
      expect((e as SpikegridError).message).toMatch(/2000 problems/);
    }
  });
});
