// Start-up bundles: the module graphs a timed command loads first, each built into one file (`npm run build`,
// cli/build-bundles.ts) so node reads, compiles and links one module instead of dozens — the profile loader with
// its YAML and schema libraries (zod alone is 95 ES modules, 64 of them locales nothing uses), which a direct
// SANA-FE run loads on its scheduling thread, and the direct run's own library. A bundle is used only while it is
// newer than its entry's compiled module: `tsc` rewrites every module it emits, so a rebuild without bundling
// falls back to the modules themselves (the same code, slower to load). Under the test runner (the TypeScript
// sources) no bundle exists and the modules are loaded.

import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Each bundle: its entry module and output, as paths from the package's compiled root (dist/), and the modules
 * it leaves out (loaded beside it). */
export const BUNDLES = {
  /** hw-profiles/loader.ts's `loadProfile` with `yaml` and `zod` inside: CommonJS, so it runs with the V8 code
   * cache the build makes (`codeCache`; hw-profiles/loader-cached.ts loads both). */
  profileLoader: {
    entry: "hw-profiles/loader-entry.js",
    out: "hw-profiles/loader.bundle.cjs",
    format: "cjs",
    codeCache: "hw-profiles/loader.bundle.cache",
    external: [] as string[],
  },
  /** The direct SANA-FE run (simulator/chip/sanafe/direct-entry.ts). Its scheduling thread's modules stay
   * apart: the worker's source is their functions as text (schedule-worker.ts), which must keep their names. */
  directRun: {
    entry: "simulator/chip/sanafe/direct-entry.js",
    out: "simulator/chip/sanafe/direct.bundle.js",
    format: "esm",
    codeCache: undefined,
    external: ["./schedule.js", "./schedule-wasm.js", "./schedule-worker.js"],
  },
} as const;

export type BundleName = keyof typeof BUNDLES;

/** Where this module's compiled root (dist/) is: cli/ is one level below it. */
const root = new URL("../", import.meta.url);

const mtimeOf = (url: URL): number | undefined => {
  try {
    return statSync(fileURLToPath(url)).mtimeMs;
  } catch {
    return undefined;
  }
};

/**
 * The URL of bundle `name` when it exists and is at least as new as its entry's module, else undefined (then the
 * caller imports the entry module). `base`: the compiled root (tests give another).
 */
export function bundleFor(name: BundleName, base: URL = root): string | undefined {
  const b = BUNDLES[name];
  const built = mtimeOf(new URL(b.out, base));
  const source = mtimeOf(new URL(b.entry, base));
  return built !== undefined && source !== undefined && built >= source
    ? new URL(b.out, base).href
    : undefined;
}
