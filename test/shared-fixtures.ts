// Test helper: paths into the shared fixtures that sit beside the repository (../shared/fixtures), wherever the
// repository is cloned; SPIKEGRID_SHARED_FIXTURES overrides the folder.

import { join, resolve } from "node:path";
import { packageRoot } from "../common/package-root.js";

export const SHARED_FIXTURES =
  process.env.SPIKEGRID_SHARED_FIXTURES ?? resolve(packageRoot(), "..", "shared", "fixtures");

/** `sharedFixture("nir/02_cnn/cnn_sinabs.nir")` → an absolute path under ../shared/fixtures. */
export function sharedFixture(rel: string): string {
  return join(SHARED_FIXTURES, rel);
}
