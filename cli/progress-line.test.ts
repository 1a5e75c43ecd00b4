// The progress line: silent before 2 s and on a non-terminal; after 2 s one rewritten stderr line with the
// stage, node i/N, time so far and the ETA; cleared at the end. A fake clock and stream drive it.

import { describe, expect, it } from "vitest";
import { noProgress } from "../common/progress.js";
import { progressLine, progressText } from "./progress-line.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (t: string) => writes.push(t) };
}

function fakeClock() {
  const c = { t: 1000, now: () => c.t };
  return c;
}

describe("progressLine", () => {
  it("prints nothing before 2 s, then stage, node i/N, elapsed time and ETA", () => {
    const clock = fakeClock();
    const stream = fakeStream(true);
    const p = progressLine("compile", stream, { now: clock.now });
    p.stage("flattenSubgraphs");
    clock.t += 500;
    p.stage("lowerToNmir", 3104);
    for (let i = 0; i < 500; i++) {
      clock.t += 2;
      p.tick(i);
    }
    expect(stream.writes).toEqual([]); // 1.5 s so far
    clock.t += 12_500; // 14 s in; 812 nodes in 13.5 s of the stage
    p.tick(812);
    expect(stream.writes).toHaveLength(1);
    const line = stream.writes[0]!;
    expect(line.startsWith("\r")).toBe(true);
    expect(line).toContain("compile: lowerToNmir node 812/3,104 · 14 s · ETA 38 s");
    p.done();
    expect(stream.writes.at(-1)).toBe("\r\x1b[K");
  });

  it("redraws at most every 200 ms and at once on a new stage", () => {
    const clock = fakeClock();
    const stream = fakeStream(true);
    const p = progressLine("map", stream, { now: clock.now });
    p.stage("partition", 10);
    clock.t += 3000;
    p.tick(1);
    p.tick(2);
    clock.t += 100;
    p.tick(3);
    expect(stream.writes).toHaveLength(1);
    clock.t += 150;
    p.tick(4);
    p.stage("route");
    expect(stream.writes).toHaveLength(3);
    expect(stream.writes[2]).toContain("map: route · 3 s");
    expect(stream.writes[2]).not.toContain("ETA");
  });

  it("writes nothing at all when the stream is not a terminal", () => {
    const clock = fakeClock();
    const stream = fakeStream(false);
    const p = progressLine("compile", stream, { now: clock.now });
    expect(p).toBe(noProgress);
    p.stage("lowerToNmir", 10);
    clock.t += 60_000;
    p.tick(5);
    p.done();
    expect(stream.writes).toEqual([]);
  });

  it("does not clear a line it never drew", () => {
    const stream = fakeStream(true);
    const p = progressLine("compile", stream, { now: () => 0 });
    p.stage("lowerToNmir", 2);
    p.done();
    expect(stream.writes).toEqual([]);
  });

  it("formats minutes and units", () => {
    const text = progressText(
      "table zoo:x",
      { name: "anneal", total: 20_000, unit: "move", done: 5000, stageMs: 30_000 },
      95_000,
    );
    expect(text).toBe("table zoo:x: anneal move 5,000/20,000 · 1 min 35 s · ETA 1 min 30 s");
  });
});
