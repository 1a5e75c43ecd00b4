// The README's example output is what its commands print now: runs every ```console block from the
// repository root (as a user of a fresh clone would) and compares, durations and the clone's folder aside.

import { describe, expect, it } from "vitest";
import { packageRoot } from "../../common/package-root.js";
import { readmeDrift, regenerateReadme } from "./update-readme.js";

describe("README console blocks", () => {
  it("print what the README shows (regenerate with `npm run readme`)", () => {
    const root = packageRoot();
    const { current, regenerated } = regenerateReadme(root);
    expect(readmeDrift(current, regenerated, root)).toEqual([]);
  }, 600_000);
});
