// Regenerates the README's example output: runs every ```console block's commands in order from the
// repository root (after removing what an earlier run wrote) and writes what they printed into the README.
// Usage: npm run readme   (builds first; then `node dist/test/readme/update-readme.js [--check]`)

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../common/package-root.js";
import { maskVolatile, parseConsoleBlocks, renderConsoleBlocks, runReadmeCommand } from "./readme-blocks.js";

/** Folders the README's commands write into (both git-ignored); removed first so every run starts fresh. */
export const README_OUTPUT_DIRS = ["out", "spikegrid-demo"];

/** The README as its commands print it now, beside the README as committed. */
export function regenerateReadme(root = packageRoot()): { current: string; regenerated: string } {
  const current = readFileSync(join(root, "README.md"), "utf8");
  for (const dir of README_OUTPUT_DIRS) rmSync(join(root, dir), { recursive: true, force: true });
  const blocks = parseConsoleBlocks(current);
  const outputs = blocks.map((block) =>
    block.commands.map((c) => runReadmeCommand(c.command, root, block.stderr)),
  );
  return { current, regenerated: renderConsoleBlocks(current, blocks, outputs) };
}

/** Lines where the committed README and a fresh run differ beyond durations and the clone's folder. */
export function readmeDrift(current: string, regenerated: string, root: string): string[] {
  const a = maskVolatile(current, root).split("\n");
  const b = maskVolatile(regenerated, root).split("\n");
  const drift: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      drift.push(`line ${i + 1}:\n  README: ${a[i] ?? "(none)"}\n  now:    ${b[i] ?? "(none)"}`);
  }
  return drift;
}

const isMain = process.argv[1]?.endsWith("update-readme.js");
if (isMain) {
  const root = packageRoot();
  const { current, regenerated } = regenerateReadme(root);
  if (process.argv.includes("--check")) {
    const drift = readmeDrift(current, regenerated, root);
    for (const d of drift.slice(0, 20)) console.error(d);
    console.log(
      drift.length === 0 ? "README output is current" : `README output differs on ${drift.length} line(s)`,
    );
    process.exitCode = drift.length === 0 ? 0 : 1;
  } else {
    writeFileSync(join(root, "README.md"), regenerated);
    console.log("README.md: console blocks regenerated");
  }
}
