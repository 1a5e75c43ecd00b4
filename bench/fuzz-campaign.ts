// A hostile-input campaign against the installed CLI: every generator of test/fuzz and compiler/nmir/hostile.ts
// writes its file, the command a user would run on it runs in a child process, and each case is judged: exit 0
// or 2 (never 1, a signal or a time-out), no stack trace, peak RSS under 2 GB, no output written on failure, the
// input file unchanged.
// Usage: npx tsc -p tsconfig.json && node dist/bench/fuzz-campaign.js [--timeout-s 120] [--only NAME]
// Prints one JSON line per case, then a summary line; exits 1 when any case fails.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packagePath } from "../common/package-root.js";
import { brokenModules, chainModule, emptyModule, wideModule } from "../compiler/nmir/hostile.js";
import { writeNmirFile } from "../compiler/nmir/index.js";
import {
  nirPrototypeIds,
  nirScaleChain,
  nirWideConv,
  nirZeroLayer,
  onnxFoldBomb,
  onnxReluChain,
} from "../test/fuzz/hostile-graphs.js";
import {
  npzZipBomb,
  pthMaliciousGlobal,
  pthSharedRefs,
  pthStrideZeroViews,
  pthZipBomb,
  safetensorsManyKeys,
} from "../test/fuzz/hostile-tensors.js";
import { chipRun } from "../test/reports/run-fixture.js";

const RSS_LIMIT = 2 * 1024 ** 3;

interface Case {
  name: string;
  file: string;
  bytes: () => Uint8Array | Promise<Uint8Array> | "nmir";
  nmir?: () => Parameters<typeof writeNmirFile>[1];
  /** The command after `spikegrid`, with FILE and OUT placeholders. */
  argv: string[];
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function cases(): Case[] {
  const importing = (name: string, file: string, bytes: Case["bytes"]): Case[] => [
    { name: `${name}: inspect`, file, bytes, argv: ["inspect", "FILE"] },
    { name: `${name}: compile`, file, bytes, argv: ["compile", "FILE", "-o", "OUT"] },
  ];
  const list: Case[] = [
    ...importing("pth shared references as dict key", "a.pth", () => pthSharedRefs("dict-key")),
    ...importing("pth shared references as size", "a.pth", () => pthSharedRefs("size")),
    ...importing("pth shared references as storage key", "a.pth", () => pthSharedRefs("storage-key")),
    ...importing("pth 12 stride-0 views of 6e7", "a.pth", () => pthStrideZeroViews(12)),
    ...importing("pth 40 stride-0 views of 6e7", "a.pth", () => pthStrideZeroViews(40)),
    ...importing("pth zip bomb behind [0] tensors", "a.pth", () => pthZipBomb(2, 1.1 * 1024 ** 3)),
    ...importing("pth zip bomb behind [1] tensors", "a.pth", () => pthZipBomb(2, 1.1 * 1024 ** 3, [1], 1)),
    ...importing("pth zip bomb, full storages", "a.pth", () => pthZipBomb(2, 1.1 * 1024 ** 3, [1])),
    ...importing("npz zip bomb", "a.npz", () => npzZipBomb(4, 1024 ** 3)),
    ...importing("pth malicious global", "a.pth", () => pthMaliciousGlobal()),
    ...importing("safetensors 300k keys", "a.safetensors", () => safetensorsManyKeys(300_000)),
    ...importing("onnx expand fold bomb", "a.onnx", () => onnxFoldBomb("expand")),
    ...importing("onnx range fold bomb", "a.onnx", () => onnxFoldBomb("range")),
    ...importing("onnx add fold bomb", "a.onnx", () => onnxFoldBomb("add")),
    ...importing("onnx 100k relu chain", "a.onnx", () => onnxReluChain(100_000)),
    ...importing("nir 5k scale chain", "a.nir", () => nirScaleChain(5_000)),
    ...importing("nir __proto__ ids", "a.nir", () =>
      nirPrototypeIds(["__proto__", "constructor", "toString"]),
    ),
    ...importing("nir 1e6-channel conv", "a.nir", () => nirWideConv()),
    ...importing("nir zero 16000² layer", "a.nir", () => nirZeroLayer()),
  ];
  const nmir = (name: string, make: () => Parameters<typeof writeNmirFile>[1]): Case[] => [
    {
      name: `${name}: map`,
      file: "m.nmir",
      bytes: () => "nmir",
      nmir: make,
      argv: ["map", "FILE", "--profile", "loihi", "-o", "OUT"],
    },
    {
      name: `${name}: inspect`,
      file: "m.nmir",
      bytes: () => "nmir",
      nmir: make,
      argv: ["inspect", "FILE"],
    },
  ];
  for (const [name, m] of brokenModules()) list.push(...nmir(`nmir ${name}`, () => m));
  list.push(...nmir("nmir 2^32-1 neurons", () => wideModule(2 ** 32 - 1)));
  list.push(...nmir("nmir empty", () => emptyModule()));
  list.push(...nmir("nmir 20k-deep chain", () => chainModule(20_000)));
  // the CLI's own inputs: run JSON, grid YAML, profile YAML, absurd numbers
  const json = (v: unknown) => () => new TextEncoder().encode(JSON.stringify(v));
  const text = (t: string) => () => new TextEncoder().encode(t);
  const aliasBomb = (tail: string) => {
    const rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++)
      rows.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    return `${rows.join("\n")}\n${tail}\n`;
  };
  const run = chipRun();
  const steps = (run as { perStep?: unknown[] }).perStep ?? [];
  list.push(
    {
      name: "run JSON 1e5×1e5 mesh: report html",
      file: "r.json",
      bytes: json({ ...run, grid: { width: 1e5, height: 1e5 } }),
      argv: ["report", "FILE", "--format", "html", "-o", "OUT"],
    },
    {
      name: "run JSON 2M perStep: report html",
      file: "r.json",
      bytes: json({
        ...run,
        perStep: Array.from({ length: 2_000_000 }, (_, i) => steps[i % Math.max(1, steps.length)] ?? {}),
      }),
      argv: ["report", "FILE", "--format", "html", "-o", "OUT"],
    },
    {
      name: "grid YAML alias bomb: explore",
      file: "g.yaml",
      bytes: text(aliasBomb("model: m.nir\nprofiles: [loihi]\nbomb: *a9")),
      argv: ["explore", "--grid", "FILE", "-o", "OUT"],
    },
    {
      name: "profile YAML alias bomb: profiles validate",
      file: "p.yaml",
      bytes: text(aliasBomb("bomb: *a9")),
      argv: ["profiles", "validate", "FILE"],
    },
    {
      name: "compile --weight-bits 1",
      file: "a.nir",
      bytes: () => nirScaleChain(3),
      argv: ["compile", "FILE", "--weight-bits", "1", "-o", "OUT"],
    },
    {
      name: "compile --wieght-bits 4 (misspelt)",
      file: "a.nir",
      bytes: () => nirScaleChain(3),
      argv: ["compile", "FILE", "--wieght-bits", "4", "-o", "OUT"],
    },
    {
      name: "simulate --timesteps 1e9",
      file: "a.nir",
      bytes: () => nirScaleChain(3),
      argv: ["simulate", "FILE", "--engine", "float", "--timesteps", "1e9", "-o", "OUT"],
    },
    {
      name: "table --samples 1e9",
      file: "a.nir",
      bytes: () => nirScaleChain(3),
      argv: ["table", "FILE", "--samples", "1e9"],
    },
    {
      name: "map -o onto its own input",
      file: "m.nmir",
      bytes: () => "nmir",
      nmir: () => chainModule(3),
      argv: ["map", "FILE", "--profile", "loihi", "-o", "FILE"],
    },
  );
  const only = flag("--only", "");
  return only ? list.filter((c) => c.name.includes(only)) : list;
}

interface Verdict {
  name: string;
  exit: number | null;
  signal: string | null;
  ms: number;
  peakRssMb: number;
  timedOut: boolean;
  stackTrace: boolean;
  wroteOnFailure: boolean;
  inputModified: boolean;
  firstLine: string;
  ok: boolean;
}

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function run(c: Case, dir: string, timeoutMs: number): Promise<Verdict> {
  const file = join(dir, c.file);
  const out = join(dir, "out.bin");
  rmSync(out, { force: true });
  const bytes = await c.bytes();
  if (bytes === "nmir") writeNmirFile(file, c.nmir!());
  else writeFileSync(file, bytes);
  const before = readFileSync(file);
  const argv = c.argv.map((a) => (a === "FILE" ? file : a === "OUT" ? out : a));
  const t0 = performance.now();
  const child = spawn(process.execPath, [packagePath("bin", "spikegrid.js"), ...argv], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d) => {
    if (stdout.length < 1e6) stdout += d;
  });
  child.stderr.on("data", (d) => {
    if (stderr.length < 1e6) stderr += d;
  });
  let peak = 0;
  let timedOut = false;
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRss(child.pid!));
    if (peak > RSS_LIMIT) child.kill("SIGKILL");
  }, 25);
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const [exit, signal] = await new Promise<[number | null, string | null]>((res) =>
    child.on("exit", (code, sig) => res([code, sig])),
  );
  clearInterval(poll);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  const stackTrace = /\n\s+at .+\(.+:\d+:\d+\)/.test(stderr);
  const wroteOnFailure = exit !== 0 && existsSync(out);
  const inputModified = !readFileSync(file).equals(before);
  const ok =
    !timedOut &&
    signal === null &&
    (exit === 0 || exit === 2) &&
    !stackTrace &&
    !wroteOnFailure &&
    peak <= RSS_LIMIT;
  const firstLine = (stderr.trim() || stdout.trim()).split("\n")[0]!.slice(0, 200);
  return {
    name: c.name,
    exit,
    signal,
    ms: Math.round(ms),
    peakRssMb: Math.round(peak / 1024 ** 2),
    timedOut,
    stackTrace,
    wroteOnFailure,
    inputModified,
    firstLine,
    ok,
  };
}

const dir = mkdtempSync(join(tmpdir(), "spikegrid-fuzz-"));
const timeoutMs = Number(flag("--timeout-s", "120")) * 1000;
let failed = 0;
const all = cases();
for (const c of all) {
  const v = await run(c, dir, timeoutMs);
  if (!v.ok) failed++;
  console.log(JSON.stringify(v));
}
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    summary: true,
    cases: all.length,
    failed,
    rssLimitMb: RSS_LIMIT / 1024 ** 2,
    timeoutS: timeoutMs / 1000,
  }),
);
process.exitCode = failed ? 1 : 0;
