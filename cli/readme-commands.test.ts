// The README's commands work as written on a fresh clone: each is `npx spikegrid …` (npm resolves the
// package's own bin; a bare `spikegrid` is not on PATH after `npm ci`) and uses only flags its command has.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../common/package-root.js";
import { bufferIo } from "./io.js";
import { runCli } from "./main.js";

const root = packageRoot();
const readme = readFileSync(join(root, "README.md"), "utf8");
const shownLines = readme
  .split("\n")
  .filter((l) => l.startsWith("$ "))
  .map((l) => l.slice(2).trim());
/** The README's shell lines that are not spikegrid commands. */
const OTHER_COMMANDS = ["npm start", "mkdir -p out"];
const commandLines = shownLines.filter((l) => !OTHER_COMMANDS.includes(l));

describe("README commands", () => {
  it("runs every shown command through npx", () => {
    expect(commandLines.length).toBeGreaterThan(3);
    expect(shownLines).toContain("npm start");
    for (const l of commandLines) expect(l).toMatch(/^npx spikegrid /);
    // inline mentions in the prose too (the command table names commands; its lead says how to run them)
    const prose = readme.split("\n").filter((l) => !l.startsWith("|") && !l.startsWith("$ "));
    for (const l of prose) expect(l).not.toMatch(/(^|[^x] )`spikegrid [a-z]/);
  });

  it.each(commandLines.map((l) => [l]))("%s uses flags its command has", async (line) => {
    const words = line.split(/\s+/).slice(2);
    const sub =
      words[0] === "profiles" || words[0] === "zoo"
        ? 2
        : words[0] === "explore" && words[1] === "merge"
          ? 2
          : 1;
    const io = bufferIo();
    expect(await runCli([...words.slice(0, sub), "--help"], io)).toBe(0);
    const help = io.stdout.join("\n");
    for (const w of words.filter((x) => x.startsWith("-"))) {
      const flag = w.split("=")[0]!;
      expect(help, `${flag} in \`${words.slice(0, sub).join(" ")} --help\``).toMatch(
        new RegExp(`(^|[\\s,])${flag.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&")}[\\s,]`, "m"),
      );
    }
  });

  it("`npx spikegrid --help` works inside the clone", () => {
    expect(existsSync(join(root, "dist/cli/main.js"))).toBe(true);
    const text = execFileSync("npx", ["--no-install", "spikegrid", "--help"], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(text).toMatch(/spikegrid <command>/);
  }, 90_000);
});
