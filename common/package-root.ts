// Finds the installed spikegrid package folder, so data files (profiles, .proto) resolve the same
// from TypeScript sources (vitest) and from the compiled dist/ tree.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "spikegrid") {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the spikegrid package root above ${import.meta.url}`);
    dir = parent;
  }
}

/** A path inside the package, e.g. `packagePath("hw-profiles", "loihi.yaml")`. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
