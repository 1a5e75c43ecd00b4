// Builds the start-up bundles (cli/bundles.ts) into dist/ after `tsc`: `node dist/cli/build-bundles.js`, run by
// `npm run build` (and `prepare`, `test`). esbuild, for node, nothing minified (stack traces stay readable); a
// CommonJS bundle gets its V8 code cache (common/code-cache.ts), made by loading every built-in profile and the
// SANA-FE architecture example with it. Without esbuild (a production install) it says so and stops: the CLI
// then loads the modules.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { makeCodeCache } from "../common/code-cache.js";
import { packagePath } from "../common/package-root.js";
import { BUNDLES } from "./bundles.js";

/** A profile loader's work for its code cache: every built-in profile, and a SANA-FE architecture file. */
function loadEveryProfile(exports: Record<string, unknown>): void {
  const load = exports.loadProfile as (nameOrPath: string) => unknown;
  const names = (exports.profileNames as () => string[])();
  const arch = packagePath("test", "sanafe", "grid2x2.arch.yaml");
  for (const name of [...names, ...(existsSync(arch) ? [arch] : [])])
    try {
      load(name);
    } catch {
      // the cache only saves compile time: a profile that does not load is for the tests to report
    }
}

const root = fileURLToPath(new URL("../", import.meta.url));

async function main(): Promise<number> {
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch {
    console.error("build-bundles: esbuild is not installed; the CLI loads its modules unbundled");
    return 0;
  }
  for (const [name, b] of Object.entries(BUNDLES)) {
    const leftOut = new Set<string>(b.external);
    await esbuild.build({
      entryPoints: [`${root}${b.entry}`],
      outfile: `${root}${b.out}`,
      bundle: true,
      format: b.format,
      platform: "node",
      // CommonJS has no import.meta: the bundle's own file URL stands in (the bundle sits beside its entry)
      ...(b.format === "cjs"
        ? {
            define: { "import.meta.url": "import_meta_url" },
            banner: { js: 'const import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
          }
        : {}),
      target: "node20",
      logLevel: "warning",
      plugins: [
        {
          name: "left-out",
          setup(build) {
            // a left-out module keeps its import (the bundle sits beside its entry: the relative path holds)
            build.onResolve({ filter: /^\.\.?\// }, (args) =>
              leftOut.has(args.path) ? { path: args.path, external: true } : undefined,
            );
          },
        },
      ],
    });
    console.log(`build-bundles: ${name} → dist/${b.out}`);
    if (b.codeCache) {
      const bytes = makeCodeCache(`${root}${b.out}`, `${root}${b.codeCache}`, loadEveryProfile);
      console.log(
        `build-bundles: ${name}'s code cache → dist/${b.codeCache} (${(bytes / 1024).toFixed(0)} kB)`,
      );
    }
  }
  return 0;
}

process.exitCode = await main();
