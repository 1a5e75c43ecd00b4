// `spikegrid zoo list | show` through runCli, as a user would call them.
import { beforeAll, describe, expect, it } from "vitest";
import { ZOO } from "../../models/zoo.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

beforeAll(() => {
  // Until the lead adds the command to the table, register it here (once).
});

describe("spikegrid zoo", () => {
  it("list prints every model with its measured parameter count", async () => {
    const { code, out } = await run("zoo", "list");
    expect(code).toBe(0);
    expect(out).toMatch(/lmuformer\s+Google Speech Commands v2.*\s1,621,796\s+Liu et al\./);
    expect(out).toMatch(/spiking-lmuformer-psmnist\s.*\s166,092\s/);
    expect(out).toMatch(/spikformer-8-768\s+ImageNet-1k.*\s66,338,632\s+Zhou et al\./);
  });

  it("list --json gives {name, task, params, source} per model", async () => {
    const { code, out } = await run("zoo", "list", "--json");
    expect(code).toBe(0);
    const rows = JSON.parse(out) as { name: string; task: string; params: number; source: string }[];
    expect(rows).toHaveLength(ZOO.length);
    expect(rows.find((r) => r.name === "spikformer-2-256-dvs")).toMatchObject({ params: 2_566_666 });
    expect(Object.keys(rows[0]!).sort()).toEqual(["name", "params", "source", "task"]);
  });

  it("show prints config, per-block breakdown and dense MACs", async () => {
    const { code, out } = await run("zoo", "show", "lmuformer");
    expect(code).toBe(0);
    expect(out).toMatch(/dim\s+256/);
    expect(out).toMatch(/patch_embed\s+886,784\s+884,736/);
    expect(out).toMatch(/block\.0\.attn\s+197,889\s/);
    expect(out).toMatch(/block\.0\.mlp\s+528,128\s+524,288/);
    expect(out).toMatch(/head\s+8,995\s+8,960/);
    expect(out).toMatch(/total\s+1,621,796\s+1,680,640/);
    expect(out).toContain("1,621,796 expected (seed-models.md §5) ✓");
  });

  it("show --set overrides and --json", async () => {
    const { code, out } = await run("zoo", "show", "zoo:spiking-lmuformer", "--set", "depth=2", "--json");
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.config.depth).toBe(2);
    expect(j.params).toEqual({ measured: 1_689_894 + 793_603, expected: null });
    expect(j.blocks.map((b: { block: string }) => b.block)).toContain("block.1.mlp");
  });

  it("unknown models and settings are usage errors", async () => {
    const bad = await run("zoo", "show", "resnet");
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('unknown zoo model "resnet"');
    const badSet = await run("zoo", "show", "lmuformer", "--set", "width=3");
    expect(badSet.code).not.toBe(0);
    expect(badSet.err).toContain('has no setting "width"');
  });

  it("show says whether the zoo ships trained weights for the model (and for these settings)", async () => {
    const none = await run("zoo", "show", "spikformer-2-256-dvs");
    expect(none.code).toBe(0);
    expect(none.out).toMatch(
      /^weights: NOT trained — the zoo ships no checkpoint for spikformer-2-256-dvs; .*--weights CHECKPOINT$/m,
    );
    const trained = await run("zoo", "show", "spiking-lmuformer-smnist");
    expect(trained.out).toMatch(
      /^weights: trained \(models\/demos\/spiking-lmuformer-smnist\.safetensors, shipped/m,
    );
    const other = await run("zoo", "show", "spiking-lmuformer-smnist", "--set", "dim=16", "--json");
    expect(JSON.parse(other.out).weights).toEqual({
      trained: false,
      shipped: "models/demos/spiking-lmuformer-smnist.safetensors",
      provenance: "default-zeros",
    });
  });
});
