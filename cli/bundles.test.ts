// The start-up bundles (bundles.ts): a bundle is taken only while it is at least as new as its entry's module, and
// the built command with its bundles gives the run JSON the modules give (the test runner loads the TypeScript
// sources: no bundle there).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runWithCodeCache } from "../common/code-cache.js";
import { packagePath } from "../common/package-root.js";
import { loadProfile } from "../hw-profiles/loader.js";
import { LOADER_BUNDLE, LOADER_CODE_CACHE } from "../hw-profiles/loader-cached.js";
import { clearProfileCache } from "../hw-profiles/parse.js";
import { BUNDLES, bundleFor } from "./bundles.js";
import { bufferIo } from "./io.js";
import { runCli } from "./main.js";

const dir = mkdtempSync(join(tmpdir(), "sg-bundles-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bundleFor", () => {
  const base = pathToFileURL(`${join(dir, "root")}/`);
  const { entry, out } = BUNDLES.directRun;
  const file = (path: string, seconds: number) => {
    const at = join(dir, "root", path);
    mkdirSync(join(at, ".."), { recursive: true });
    writeFileSync(at, "export {};\n");
    utimesSync(at, seconds, seconds);
  };

  it("is undefined without the bundle or its entry, or when the entry is newer", () => {
    expect(bundleFor("directRun", base)).toBeUndefined();
    file(out, 1000);
    expect(bundleFor("directRun", base)).toBeUndefined(); // no entry module: not a build
    file(entry, 2000);
    expect(bundleFor("directRun", base)).toBeUndefined(); // tsc ran after the bundling
  });

  it("is the bundle's URL once it is as new as its entry or newer", () => {
    file(entry, 3000);
    file(out, 3000);
    expect(bundleFor("directRun", base)).toBe(new URL(out, base).href);
    file(out, 4000);
    expect(bundleFor("directRun", base)).toBe(new URL(out, base).href);
  });
});

/** A direct SANA-FE run of `file` on the checked-in 2×2 architecture, 40 steps (add --json). */
const directArgs = (file: string) => [
  "simulate",
  file,
  "--engine",
  "chip",
  "--profile",
  packagePath("test", "sanafe", "grid2x2.arch.yaml"),
  "--timesteps",
  "40",
  "--convention",
  "sanafe",
];

/** The built command (bin/spikegrid.js, with its bundles) in a child process. */
const builtCommand = (args: string[]) =>
  spawnSync(process.execPath, [packagePath("bin", "spikegrid.js"), ...args], { encoding: "utf8" });

describe("the built command with its bundles", () => {
  const dist = pathToFileURL(`${packagePath("dist")}/`);
  const built = Object.keys(BUNDLES).every((name) => bundleFor(name as keyof typeof BUNDLES, dist));

  it("has every bundle, newer than its entry (npm test builds them; CI requires them)", () => {
    if (process.env.CI) expect(built).toBe(true);
  });

  it.runIf(built)("loads profiles from the loader's bundle, with its code cache, as the loader does", () => {
    const { exports, cacheTaken } = runWithCodeCache(
      packagePath("dist", BUNDLES.profileLoader.out),
      packagePath("dist", BUNDLES.profileLoader.codeCache),
    );
    // the build made the cache from this very bundle, on this node (a test process runs the same V8 flags)
    expect(cacheTaken).toBe(true);
    // the loader caches by file: another test's spelling of the same path would come back from it
    clearProfileCache();
    const load = exports.loadProfile as typeof loadProfile;
    for (const profile of ["loihi", "loihi-sanafe", packagePath("test", "sanafe", "grid2x2.arch.yaml")])
      expect(load(profile)).toEqual(loadProfile(profile));
  });

  it.runIf(built)("names the bundle and cache hw-profiles/loader-cached.ts loads", () => {
    expect(BUNDLES.profileLoader.out).toBe(`hw-profiles/${LOADER_BUNDLE}`);
    expect(BUNDLES.profileLoader.codeCache).toBe(`hw-profiles/${LOADER_CODE_CACHE}`);
  });

  it.runIf(built)(
    "runs a SANA-FE file directly to the run JSON the modules give",
    async () => {
      const args = directArgs(packagePath("test", "sanafe", "conv.yaml"));
      const fromBundles = join(dir, "bundled.json");
      const r = builtCommand([...args, "--json", fromBundles]);
      expect(r.stderr).toContain("ran SANA-FE's neuron model directly");
      expect(r.status).toBe(0);
      const fromModules = join(dir, "modules.json");
      expect(await runCli([...args, "--json", fromModules], bufferIo())).toBe(0);
      const bundled = JSON.parse(readFileSync(fromBundles, "utf8"));
      expect(bundled.run.path).toBe("direct");
      expect(bundled).toEqual(JSON.parse(readFileSync(fromModules, "utf8")));
    },
    60_000,
  );

  it.runIf(built)(
    "reports a bad SANA-FE file the bundled run reads as a user's error: exit 2, file:line, nothing written",
    () => {
      // the bundle holds its own copy of SpikegridError: the command must still know the error as one
      const text = readFileSync(packagePath("test", "sanafe", "conv.yaml"), "utf8");
      const bad = join(dir, "bad-core.yaml");
      writeFileSync(bad, text.replace(/core: '?0\.0'?/, "core: 'x.y'"));
      const out = join(dir, "bad.json");
      const r = builtCommand([...directArgs(bad), "--json", out]);
      expect(r.stderr).toMatch(
        /error \[IMPORT_FAILED\]: .*bad-core\.yaml:\d+: core "x\.y" is not tile\.core/,
      );
      expect(r.stderr).not.toContain("internal error");
      expect(r.status).toBe(2);
      expect(existsSync(out)).toBe(false);
    },
    60_000,
  );
});
