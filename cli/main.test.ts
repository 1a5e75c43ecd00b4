// Usage errors of every command: an unknown option or command is refused (exit 2, named, with the closest
// known spelling) before the handler runs, so nothing is printed, computed or written.

import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../test/cli-run.js";
import { sharedFixture } from "../test/shared-fixtures.js";
import type { CliCommand } from "./command.js";
import { allCommands, COMMAND_NAMES } from "./commands/index.js";

/** Every command, loaded (a command line alone loads only the command it names). */
const COMMANDS = await allCommands();
const LIF = sharedFixture("nir/01_lif/lif_norse.nir");
const dir = mkdtempSync(join(tmpdir(), "sg-main-"));

/** Every runnable command line: the command words plus a real file for each required positional. */
function leaves(list: readonly CliCommand[], prefix: string[] = []): string[][] {
  return list.flatMap((c) => {
    const [word, ...positionals] = c.command.split(" ");
    const words = [...prefix, word!];
    const self = [...words, ...positionals.filter((p) => p.startsWith("<")).map(() => LIF)];
    if (!c.subcommands) return [self];
    return [...(c.handler ? [self] : []), ...leaves(c.subcommands, words)];
  });
}

describe("unknown options and commands", () => {
  const all = leaves(COMMANDS);

  it("names each command by its own first word (the table loads a command by that name)", () => {
    expect(COMMANDS.map((c) => c.command.split(" ")[0])).toEqual(COMMAND_NAMES);
  });

  it("covers every command", () => {
    expect(all.map((a) => a.filter((w) => w !== LIF).join(" "))).toEqual(
      expect.arrayContaining([
        "compile",
        "map",
        "simulate",
        "report",
        "table",
        "demo",
        "explore",
        "profiles list",
      ]),
    );
  });

  it.each(all.map((a) => [a.filter((w) => w !== LIF).join(" "), a]))(
    "%s refuses --definitely-not-a-flag before running",
    async (_name, argv) => {
      const r = await cli(...(argv as string[]), "--definitely-not-a-flag", "1");
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/unknown option --definitely-not-a-flag/);
      expect(r.err).not.toMatch(/internal error/);
      expect(r.out).toBe("");
    },
  );

  it("a misspelt compile flag writes nothing and names the right one", async () => {
    const out = join(dir, "x.nmir");
    const r = await cli("compile", LIF, "--wieght-bits", "4", "-o", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option --wieght-bits \(did you mean --weight-bits\?\)/);
    expect(r.err).toMatch(/spikegrid compile --help/);
    expect(r.out).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("an unknown command or sub-command is named with the closest one", async () => {
    const top = await cli("compil", LIF, "-o", join(dir, "y.nmir"));
    expect(top.code).toBe(2);
    expect(top.err).toMatch(/unknown command "compil" \(did you mean compile\?\)/);
    expect(existsSync(join(dir, "y.nmir"))).toBe(false);
    const sub = await cli("profiles", "lsit");
    expect(sub.code).toBe(2);
    expect(sub.err).toMatch(/unknown command "lsit" \(did you mean list\?\)/);
    expect(sub.out).toBe("");
  });

  it("a misspelt required option is named, not reported missing", async () => {
    const r = await cli("compile", LIF, "--ot", join(dir, "z.nmir"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option --ot \(did you mean --out\?\)/);
    expect(existsSync(join(dir, "z.nmir"))).toBe(false);
  });
});

describe("help and hints", () => {
  it("explore merge --help shows merge's options only", async () => {
    const r = await cli("explore", "merge", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/explore merge <files\.\.>/);
    expect(r.out).toMatch(/-o, --out .*\[required\]/);
    expect(r.out).not.toMatch(/--profiles|--weight-bits|model/);
  });

  it("simulate --help says which engines take --json and .nmir, and marks -o/--out", async () => {
    const r = await cli("simulate", "--help");
    expect(r.out).toMatch(/--json\s+reference and chip engines/);
    expect(r.out).toMatch(/a compiled \.nmir for --engine reference\|chip/);
    expect(r.out).toMatch(/-o, --out/);
    expect(r.out).toMatch(/--sequence/);
    const c = await cli("compile", "--help");
    expect(c.out).toMatch(/-o, --out .*\[string\] \[required\]/);
  });

  it("compile's warnings name CLI flags, not library option names", async () => {
    const r = await cli("compile", LIF, "-o", join(dir, "hint.nmir"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--reset-mode subtract/);
    expect(r.out).toMatch(/no dt given \(--dt/);
    expect(r.out).not.toMatch(/import with resetMode|options\.dt/);
  });
});
