// The launcher: which command lines run in a child with a larger heap, and a child's heap exhaustion reported
// as one error (exit 2) without V8's dump.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LARGE_INPUT_BYTES, launch, wantsLargerHeap } from "./launch.js";

const dir = mkdtempSync(join(tmpdir(), "sg-launch-"));
const small = { limitBytes: 2 ** 30, wantedMB: 8192, fixed: false };

describe("launch", () => {
  afterEach(() => vi.restoreAllMocks());

  it("relaunches for a zoo network or a large file, not for small files, flags or a set heap", () => {
    const big = join(dir, "big.nmir");
    writeFileSync(big, Buffer.alloc(LARGE_INPUT_BYTES));
    const little = join(dir, "little.nmir");
    writeFileSync(little, Buffer.alloc(1024));
    expect(wantsLargerHeap(["compile", "zoo:spikformer-8-768"], small)).toBe(true);
    expect(wantsLargerHeap(["map", big, "--profile", "loihi2"], small)).toBe(true);
    expect(wantsLargerHeap(["map", little, "--profile", "loihi2"], small)).toBe(false);
    expect(wantsLargerHeap(["map", "--no-such-file"], small)).toBe(false);
    expect(wantsLargerHeap(["map", big], { ...small, fixed: true })).toBe(false);
    expect(wantsLargerHeap(["map", big], { ...small, limitBytes: 8192 * 2 ** 20 })).toBe(false);
  });

  it("runs small command lines in this process", async () => {
    const run = vi.fn(async () => 7);
    expect(await launch(["inspect", "x.nmir"], "/nonexistent", run, small)).toBe(7);
    expect(run).toHaveBeenCalledOnce();
  });

  it("turns the child's heap exhaustion into one error and exit 2, without V8's dump", async () => {
    const hog = join(dir, "hog.mjs");
    writeFileSync(
      hog,
      'process.stderr.write("working\\n"); const keep = []; for (;;) keep.push(new Array(1e5).fill({}));\n',
    );
    const err: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
      err.push(String(c));
      return true;
    });
    const code = await launch(["zoo:x"], hog, async () => 0, { limitBytes: 0, wantedMB: 48, fixed: false });
    const text = err.join("");
    expect(code).toBe(2);
    expect(text).toContain("working");
    expect(text).toContain("error [RESOURCE_LIMIT]: ran out of memory");
    expect(text).not.toMatch(/Last few GCs|FATAL ERROR|Native stack trace/);
  }, 60_000);

  it("passes the child's exit code through", async () => {
    const exit3 = join(dir, "exit3.mjs");
    writeFileSync(exit3, "process.exit(3);\n");
    expect(await launch(["zoo:x"], exit3, async () => 0, small)).toBe(3);
  }, 30_000);
});
