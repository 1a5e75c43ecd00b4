// A CommonJS bundle run with its V8 code cache: the cache is taken only for the very source it was made from, and
// a bundle runs the same with it, without it, with a stale one or with a damaged one.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeCodeCache, runWithCodeCache } from "./code-cache.js";

const dir = mkdtempSync(join(tmpdir(), "sg-code-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundle = join(dir, "b.cjs");
const cache = join(dir, "b.cache");
const source = (k: number) =>
  `const path = require("node:path");\nexports.twice = (x) => x * ${k};\nexports.base = path.basename(__filename);\n`;

describe("code cache", () => {
  it("is made after a run of the bundle's work, and taken for the same source", () => {
    writeFileSync(bundle, source(2));
    const bytes = makeCodeCache(bundle, cache, (exports) => {
      expect((exports.twice as (x: number) => number)(21)).toBe(42);
    });
    expect(bytes).toBe(readFileSync(cache).length);
    const { exports, cacheTaken } = runWithCodeCache(bundle, cache);
    expect(cacheTaken).toBe(true);
    expect((exports.twice as (x: number) => number)(5)).toBe(10);
    expect(exports.base).toBe("b.cjs"); // require and __filename are the bundle's own
  });

  it("is not taken for another source of the same length (the bundle's own code runs)", () => {
    writeFileSync(bundle, source(2));
    makeCodeCache(bundle, cache, () => {});
    writeFileSync(bundle, source(3));
    const { exports, cacheTaken } = runWithCodeCache(bundle, cache);
    expect(cacheTaken).toBe(false);
    expect((exports.twice as (x: number) => number)(5)).toBe(15);
  });

  it("runs the bundle without a cache, and with a damaged one (not taken: V8 would not notice)", () => {
    writeFileSync(bundle, source(2));
    expect(runWithCodeCache(bundle, join(dir, "none.cache")).cacheTaken).toBe(false);
    makeCodeCache(bundle, cache, () => {});
    const damaged = readFileSync(cache);
    damaged[damaged.length - 9] = damaged[damaged.length - 9]! ^ 0x5a;
    writeFileSync(cache, damaged);
    const { exports, cacheTaken } = runWithCodeCache(bundle, cache);
    expect(cacheTaken).toBe(false);
    expect((exports.twice as (x: number) => number)(4)).toBe(8);
  });
});
