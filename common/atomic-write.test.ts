// writeFileAtomically keeps what the user's path is: a regular file is replaced whole, a symlink's target
// is written and the link kept, a device is written in place.
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renameTarget, writeFileAtomically } from "./atomic-write.js";

const dir = mkdtempSync(join(tmpdir(), "sg-atomic-"));

describe("writeFileAtomically", () => {
  it("creates and replaces a regular file", () => {
    const f = join(dir, "a.bin");
    writeFileAtomically(f, "one");
    writeFileAtomically(f, "two");
    expect(readFileSync(f, "utf8")).toBe("two");
  });

  it("writes a symlink's target and keeps the link", () => {
    const target = join(dir, "t.bin");
    const link = join(dir, "l.bin");
    writeFileSync(target, "old");
    symlinkSync(target, link);
    writeFileAtomically(link, "new");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, "utf8")).toBe("new");
  });

  it("writes a device in place instead of renaming over it", () => {
    expect(renameTarget("/dev/null")).toBeUndefined();
    writeFileAtomically("/dev/null", "x");
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
  });
});
