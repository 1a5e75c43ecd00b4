// Builds the start-up bundles (cli/bundles.ts) into dist/ after `tsc`: `node dist/cli/build-bundles.js`, run by
// `npm run build` (and `prepare`, `test`). esbuild, ES module output for node, nothing minified (stack traces
// stay readable). Without esbuild (a production install) it says so and stops: the CLI then loads the modules.

import { fileURLToPath } from "node:url";
import { BUNDLES } from "./bundles.js";

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
      format: "esm",
      platform: "node",
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
  }
  return 0;
}

process.exitCode = await main();
