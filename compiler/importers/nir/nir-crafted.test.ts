// NIR import of hand-made files: even-kernel "same" padding, inserted Input/Output, single-node roots, node
// metadata, dotted subgraph edges, and the errors a malformed file must produce (unknown type, bad edges, NaN).

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { type NetGraph, validateGraph } from "../../graph/index.js";
import { exportNir, importNir } from "./index.js";
import { f32, f64, graphPlan, i64, nirBytes, str, tinyLinear } from "./testing.js";
import type { Plan } from "./write-plan.js";

async function failure(p: Promise<unknown>): Promise<SpikegridError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SpikegridError);
    return e as SpikegridError;
  }
  throw new Error("expected the import to fail");
}

const node = (g: NetGraph, id: string) => g.nodes.get(id) as Record<string, unknown> & { kind: string };
const lif = (extra: Plan = {}): Plan => ({
  type: str("LIF"),
  tau: f64([0.01]),
  r: f64([1]),
  v_leak: f64([0]),
  v_threshold: f64([1]),
  ...extra,
});
const io = (n: number): Record<string, Plan> => ({
  input: { type: str("Input"), shape: i64([n]) },
  output: { type: str("Output"), shape: i64([n]) },
});

describe("hand-made files", () => {
  it("'same' with even kernels pads like PyTorch: the extra row/column at the end", async () => {
    const conv1 = {
      type: str("Conv1d"),
      weight: f32(Array(4).fill(1), [1, 1, 4]),
      padding: str("same"),
      stride: i64([1], []),
    };
    const conv2 = {
      type: str("Conv2d"),
      weight: f32(Array(6).fill(1), [1, 1, 2, 3]),
      padding: str("same"),
      dilation: i64([1, 2]),
    };
    const g1 = graphPlan(
      {
        input: { type: str("Input"), shape: i64([1, 9]) },
        c: conv1,
        output: { type: str("Output"), shape: i64([1, 9]) },
      },
      [
        ["input", "c"],
        ["c", "output"],
      ],
    );
    const g2 = graphPlan(
      { input: { type: str("Input"), shape: i64([1, 5, 7]) }, c: conv2, output: { type: str("Output") } },
      [
        ["input", "c"],
        ["c", "output"],
      ],
    );
    const r1 = await importNir(await nirBytes(g1), "c1.nir");
    expect(node(r1.graph, "c").pads).toEqual([1, 2]);
    const r2 = await importNir(await nirBytes(g2), "c2.nir");
    expect(node(r2.graph, "c").pads).toEqual([0, 2, 1, 2]);
    expect(validateGraph(r2.graph).get("c")?.outputs.out).toEqual([1, 5, 7]);
  });

  it("inserts Input and Output nodes into a graph without them, shaped from the root's weight", async () => {
    const plan = graphPlan({ lin: { type: str("Linear"), weight: f32([1, 2, 3, 4, 5, 6], [2, 3]) } }, []);
    const r = await importNir(await nirBytes(plan), "bare.nir");
    expect([...r.graph.nodes.keys()]).toEqual(["input", "lin", "output"]);
    expect(node(r.graph, "input").shape).toEqual([3]);
    expect(node(r.graph, "output").shape).toEqual([2]);
    expect(r.warnings.join("\n")).toMatch(
      /inserted Input "input" \[3\] → "lin"[\s\S]*inserted Output "output"/,
    );
  });

  it("wraps a file whose root is a single node; reads node metadata into graph.metadata.nodes", async () => {
    const bare = await importNir(await nirBytes({ type: str("LIF"), ...lif() }), "one.nir");
    expect([...bare.graph.nodes.keys()]).toEqual(["input", "lif", "output"]);
    const meta = {
      unit: str("s"),
      gain: f64([2.5], []),
      nested: { t: "group", entries: { k: i64([1, 2]) } },
      ["__proto__"]: str("data, not a prototype"),
    } as Plan;
    const plan = graphPlan({ ...io(1), n: lif({ metadata: { t: "group", entries: meta } }) }, [
      ["input", "n"],
      ["n", "output"],
    ]);
    const r = await importNir(await nirBytes(plan), "meta.nir");
    const n = { unit: "s", gain: 2.5, nested: { k: [1, 2] }, ["__proto__"]: "data, not a prototype" };
    expect(r.graph.metadata).toEqual({ nodes: { n } });
    expect(Object.getPrototypeOf((r.graph.metadata.nodes as Record<string, object>).n)).toBe(
      Object.prototype,
    );
    const again = await importNir(await exportNir(r.graph), "again.nir");
    expect(again.graph).toStrictEqual(r.graph);
  });

  it("defaults a CubaLIF's missing w_in to 1 and accepts dotted edges into a subgraph with two inputs", async () => {
    const cuba = {
      type: str("CubaLIF"),
      tau_syn: f64([0.005]),
      tau_mem: f64([0.01]),
      r: f64([1]),
      v_leak: f64([0]),
      v_threshold: f64([1]),
    };
    const inner = graphPlan(
      {
        a: { type: str("Input"), shape: i64([1]) },
        b: { type: str("Input"), shape: i64([1]) },
        c: cuba,
        o: { type: str("Output"), shape: i64([1]) },
      },
      [
        ["a", "c"],
        ["b", "c"],
        ["c", "o"],
      ],
    );
    const plan = graphPlan({ ...io(1), sub: inner }, [
      ["input", "sub.a"],
      ["input", "sub.b"],
      ["sub", "output"],
    ]);
    const r = await importNir(await nirBytes(plan), "nested.nir");
    expect(r.graph.edges).toEqual([
      { src: "input", dst: "sub", dstPort: "a" },
      { src: "input", dst: "sub", dstPort: "b" },
      { src: "sub", dst: "output", srcPort: "o" },
    ]);
    const sub = r.graph.nodes.get("sub");
    const c = sub?.kind === "Subgraph" ? sub.graph.nodes.get("c") : undefined;
    expect(c?.kind === "CubaLIF" && [...c.wIn.data]).toEqual([1]);
    expect(r.warnings[0]).toMatch(/no v_reset in "sub\.c"/);
  });
});

describe("malformed files fail with errors naming the place", () => {
  it("unknown type: names the node path and lists the supported types", async () => {
    const inner = graphPlan(
      {
        i: { type: str("Input"), shape: i64([1]) },
        weird: { type: str("Spiky") },
        o: { type: str("Output") },
      },
      [
        ["i", "weird"],
        ["weird", "o"],
      ],
    );
    const e = await failure(
      importNir(
        await nirBytes(
          graphPlan({ ...io(1), sub: inner }, [
            ["input", "sub"],
            ["sub", "output"],
          ]),
        ),
        "u.nir",
      ),
    );
    expect(e.code).toBe("IMPORT_FAILED");
    expect(e.message).toMatch(
      /^u\.nir: node "sub\.weird" \(Spiky\): unknown NIR type "Spiky" \(supported: NIRGraph, Input, .*CubaLIF\)/,
    );
  });

  it("dangling and duplicate edges name the edge", async () => {
    const base = tinyLinear([1]);
    const edges = (list: [string, string][]) => ({
      ...base,
      edges: { t: "strs" as const, values: list.flat(), shape: [list.length, 2] },
    });
    const dangling = await failure(
      importNir(
        await nirBytes(
          edges([
            ["input", "lin"],
            ["lin", "nope"],
          ]),
        ),
        "d.nir",
      ),
    );
    expect(dangling.code).toBe("GRAPH_INVALID");
    expect(dangling.details).toContainEqual({
      where: 'edge #1 "lin" → "nope"',
      message: '"nope" is not a node of this graph',
    });
    const dup = await failure(
      importNir(
        await nirBytes(
          edges([
            ["input", "lin"],
            ["lin", "output"],
            ["input", "lin"],
          ]),
        ),
        "dup.nir",
      ),
    );
    expect(dup.details[0]).toMatchObject({
      where: 'edge #2 "input" → "lin"',
      message: expect.stringMatching(/duplicates edge #0/),
    });
  });

  it("a NaN weight or an infinite tau is rejected naming the node", async () => {
    const nan = await failure(importNir(await nirBytes(tinyLinear([Number.NaN])), "nan.nir"));
    expect(nan.code).toBe("GRAPH_INVALID");
    expect(nan.message).toMatch(/^nan\.nir/);
    expect(nan.details).toContainEqual({
      where: 'node "lin" (Linear)',
      message: expect.stringMatching(/weight\[0\] is NaN/),
    });
    const inf = await failure(
      importNir(
        await nirBytes(
          graphPlan({ ...io(1), n: lif({ tau: f64([Number.POSITIVE_INFINITY]) }) }, [
            ["input", "n"],
            ["n", "output"],
          ]),
        ),
        "inf.nir",
      ),
    );
    expect(
      inf.details.some((d) => d.where === 'node "n" (LIF)' && /tau\[0\] is Infinity/.test(d.message)),
    ).toBe(true);
  });

  it("absurd or negative shapes are rejected by validation", async () => {
    const plan = (shape: number[]) =>
      graphPlan({ input: { type: str("Input"), shape: i64(shape) }, output: { type: str("Output") } }, [
        ["input", "output"],
      ]);
    const huge = await failure(importNir(await nirBytes(plan([100000, 100000, 100])), "huge.nir"));
    expect(huge.details[0]).toMatchObject({
      where: 'node "input" (Input)',
      message: expect.stringMatching(/above the limit of [\d,]+ elements per tensor/),
    });
    const neg = await failure(importNir(await nirBytes(plan([-3])), "neg.nir"));
    expect(neg.details[0]?.message).toMatch(/must be integer ≥ 1/);
  });

  it("a missing required field, a non-NIR HDF5 file and a non-numeric field", async () => {
    const noTau = graphPlan(
      { ...io(1), n: { type: str("LIF"), r: f64([1]), v_leak: f64([0]), v_threshold: f64([1]) } },
      [
        ["input", "n"],
        ["n", "output"],
      ],
    );
    const e1 = await failure(importNir(await nirBytes(noTau), "t.nir"));
    expect(e1.message).toBe('t.nir: node "n" (LIF): missing field "tau"');
    const { planToBytes } = await import("./write.js");
    const e2 = await failure(importNir(await planToBytes({ data: f64([1, 2]) }, false), "plain.h5"));
    expect(e2.message).toMatch(/^plain\.h5: \/: not a NIR file: it has no \/node group/);
    const strStride = graphPlan(
      { ...io(1), c: { type: str("Conv1d"), weight: f32([1], [1, 1, 1]), stride: str("two") } },
      [],
    );
    const e3 = await failure(importNir(await nirBytes(strStride), "s.nir"));
    expect(e3.message).toMatch(/node "c" \(Conv1d\): field "stride" is string \[\], not numeric/);
  });
});
