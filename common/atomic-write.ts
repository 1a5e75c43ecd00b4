// Writing a whole file so that a crash never leaves half of it, without replacing what the user's path is:
// a symlink is followed to the file it names, and a device or pipe (/dev/stdout, /dev/null) is written as is.
import { lstatSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";

/**
 * Where a temp-file-and-rename write must rename to: the symlink's target when `path` is a symlink (renaming
 * over the link would turn the user's link into a plain file), or undefined when `path` is not a regular file
 * after following links (a device or a pipe, which a rename would replace: such a target is written in place).
 */
export function renameTarget(path: string): string | undefined {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    return path; // does not exist yet: the rename creates it
  }
  let real = path;
  if (isLink) {
    try {
      real = realpathSync(path);
    } catch {
      return undefined; // a dangling link: write through it, never replace it
    }
  }
  return statSync(real).isFile() ? real : undefined;
}

/**
 * Writes `data` to `path` through a sibling temporary file and a rename, so a crash or a full disk leaves the
 * old file (or none), never half a new one. Symlinks and special files are kept (see renameTarget).
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const target = renameTarget(path);
  if (target === undefined) {
    writeFileSync(path, data);
    return;
  }
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
