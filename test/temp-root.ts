// Test-run temporary folder: every test's mkdtemp(tmpdir(), …) lands in one folder made for this run and removed
// at its end, so a test that forgets to clean up leaves nothing behind in the system's temporary directory.
// Worker threads and the CLI processes tests spawn read TMPDIR from the environment set here.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "spikegrid-tests-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
