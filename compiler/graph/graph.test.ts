import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import {
  addNode,
  chain,
  connect,
  createActivation,
  createAffine,
  createAvgPool2d,
  createBatchNorm,
  createConcat,
  createConv1d,
  createConv2d,
  createCubaLIF,
  createDelay,
  createDiagonalSsm,
  createDynamicMatmul,
  createFixedTransform,
  createFlatten,
  createGraph,
  createI,
  createIF,
  createInput,
  createLI,
  createLIF,
  createLinear,
  createLmuMemory,
  createMaxPool2d,
  createOutput,
  createProduct,
  createReduce,
  createReshape,
  createScale,
  createSubgraph,
  createSumPool2d,
  createTemporalConv,
  createThreshold,
  createTranspose,
  filled,
  inferShapes,
  type NetGraph,
  ndarray,
  scalar,
  validateGraph,
} from "./index.js";

const w = (...shape: number[]) => filled(shape, 0.1);
const ifNode = () => createIF({ r: scalar(1), vThreshold: scalar(1), vReset: scalar(0) });

/** The NIR paper's N-MNIST CNN (cnn_sinabs.nir), built by hand. */
function sinabsCnn(): NetGraph {
  const g = createGraph();
  chain(g, [
    ["input", createInput([2, 34, 34])],
    ["0", createConv2d({ weight: w(16, 2, 5, 5), stride: [2, 2], pads: [1, 1, 1, 1] })],
    ["1", ifNode()],
    ["2", createConv2d({ weight: w(16, 16, 3, 3), pads: [1, 1, 1, 1] })],
    ["3", ifNode()],
    ["4", createSumPool2d({ kernel: [2, 2] })],
    ["5", createConv2d({ weight: w(8, 16, 3, 3), pads: [1, 1, 1, 1] })],
    ["6", ifNode()],
    ["7", createSumPool2d({ kernel: [2, 2] })],
    ["8", createFlatten(0, -1)],
    ["9", createAffine(w(256, 128), w(256))],
    ["10", ifNode()],
    ["11", createAffine(w(10, 256), w(10))],
    ["12", ifNode()],
    ["output", createOutput([10])],
  ]);
  return g;
}

describe("shape inference", () => {
  it("follows the PyTorch formulas through the sinabs CNN", () => {
    const shapes = validateGraph(sinabsCnn());
    const out = (id: string) => shapes.get(id)?.outputs.out;
    expect(out("0")).toEqual([16, 16, 16]);
    expect(out("4")).toEqual([16, 8, 8]);
    expect(out("7")).toEqual([8, 4, 4]);
    expect(out("8")).toEqual([128]);
    expect(out("12")).toEqual([10]);
  });

  it("resolves recurrent cycles from the feed-forward path", () => {
    const g = createGraph();
    addNode(g, "in", createInput([3]));
    addNode(g, "ff", createLinear(w(5, 3)));
    addNode(
      g,
      "lif",
      createLIF({
        tau: scalar(0.01),
        r: scalar(1),
        vLeak: scalar(0),
        vThreshold: scalar(1),
        vReset: scalar(0),
      }),
    );
    addNode(g, "rec", createLinear(w(5, 5)));
    addNode(g, "out", createOutput());
    connect(g, "in", "ff");
    connect(g, "ff", "lif");
    connect(g, "lif", "rec");
    connect(g, "rec", "lif");
    connect(g, "lif", "out");
    expect(inferShapes(g).get("out")?.outputs.out).toEqual([5]);
  });

  it("covers every node kind, a nested subgraph included", () => {
    const g = createGraph();
    const sub = createGraph();
    chain(sub, [
      ["x", createInput([8])],
      ["li", createLI({ tau: scalar(2), r: scalar(1), vLeak: scalar(0) })],
      ["y", createOutput([8])],
    ]);
    chain(g, [
      ["in", createInput([4, 8, 8])],
      ["bn", createBatchNorm({ mean: w(4), variance: filled([4], 1), gamma: w(4), beta: w(4) })],
      ["avg", createAvgPool2d({ kernel: [2, 2] })],
      ["max", createMaxPool2d({ kernel: [2, 2] })],
      ["flat", createFlatten(1, 2)],
      ["c1", createConv1d({ weight: w(6, 4, 3), pads: [1, 1] })],
      ["tr", createTranspose([1, 0])],
      ["rs", createReshape([-1])],
      ["aff", createAffine(w(8, 24), w(8))],
      ["sub", createSubgraph(sub)],
      ["i", createI({ r: scalar(1) })],
      [
        "cuba",
        createCubaLIF({
          tauSyn: scalar(1),
          tauMem: scalar(2),
          r: scalar(1),
          vLeak: scalar(0),
          vThreshold: scalar(1),
          vReset: scalar(0),
          wIn: scalar(1),
        }),
      ],
      ["th", createThreshold({ threshold: scalar(0.5) })],
      ["dl", createDelay(scalar(0.001))],
      ["sc", createScale(w(8))],
      ["lmu", createLmuMemory(4, 4)],
      ["tc", createTemporalConv({ weight: w(32, 32, 3), lookahead: 1 })],
      [
        "ssm",
        createDiagonalSsm({
          lambdaRe: w(32, 2),
          lambdaIm: w(32, 2),
          bRe: w(32, 2),
          bIm: w(32, 2),
          cRe: w(32, 2),
          cIm: w(32, 2),
          d: w(32),
          logStep: w(32),
        }),
      ],
      ["ft", createFixedTransform("haar", 0, { levels: 2 })],
      ["act", createActivation("gelu")],
    ]);
    addNode(g, "gate", createProduct());
    connect(g, "act", "gate", { dstPort: "a" });
    connect(g, "act", "gate", { dstPort: "b" });
    addNode(g, "r2", createReshape([4, 8]));
    connect(g, "gate", "r2");
    addNode(g, "mm", createDynamicMatmul(true, 0.25));
    connect(g, "r2", "mm", { dstPort: "a" });
    connect(g, "r2", "mm", { dstPort: "b" });
    addNode(g, "cat", createConcat(2, 1));
    connect(g, "mm", "cat", { dstPort: "in0" });
    connect(g, "mm", "cat", { dstPort: "in1" });
    addNode(g, "mean", createReduce("mean", [0]));
    connect(g, "cat", "mean");
    addNode(g, "out", createOutput([8]));
    connect(g, "mean", "out");
    const shapes = validateGraph(g);
    expect(shapes.get("flat")?.outputs.out).toEqual([4, 4]);
    expect(shapes.get("c1")?.outputs.out).toEqual([6, 4]);
    expect(shapes.get("sub")?.outputs.y).toEqual([8]);
    expect(shapes.get("lmu")?.outputs.out).toEqual([32]);
    expect(shapes.get("mm")?.outputs.out).toEqual([4, 4]);
    expect(shapes.get("cat")?.outputs.out).toEqual([4, 8]);
    expect(shapes.get("out")?.outputs.out).toEqual([8]);
  });
});

function problemsOf(g: NetGraph): string[] {
  try {
    validateGraph(g);
  } catch (e) {
    expect(e).toBeInstanceOf(SpikegridError);
    return (e as SpikegridError).details.map((d) => `${d.where}: ${d.message}`);
  }
  return [];
}

describe("validation errors name the node and what is wrong", () => {
  it("a conv whose channels do not match", () => {
    const g = sinabsCnn();
    g.nodes.set("2", createConv2d({ weight: w(16, 8, 3, 3), pads: [1, 1, 1, 1] }));
    const p = problemsOf(g);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(
      /node "2" \(Conv2d\).*expects 8 input channels|node "2" \(Conv2d\).*does not accept input \[16,16,16\]/,
    );
  });

  it("NaN and Inf weights, absurd shapes", () => {
    const g = sinabsCnn();
    const bad = w(256, 128);
    bad.data[7] = Number.NaN;
    g.nodes.set("9", createAffine(bad, w(256)));
    g.nodes.set("input", createInput([2, -34, 34]));
    const p = problemsOf(g);
    expect(p.some((m) => m.includes('node "9" (Affine)') && m.includes("weight[7] is NaN"))).toBe(true);
    expect(p.some((m) => m.includes('node "input" (Input)') && m.includes("must be integers ≥ 1"))).toBe(
      true,
    );
  });

  it("dangling edges, unknown ports, unconnected ports, duplicates", () => {
    const g = sinabsCnn();
    connect(g, "12", "nowhere");
    connect(g, "1", "2", { dstPort: "b" });
    addNode(g, "gate", createProduct());
    connect(g, "12", "gate", { dstPort: "a" });
    connect(g, "0", "1");
    const p = problemsOf(g).join("\n");
    expect(p).toContain('destination node "nowhere" does not exist');
    expect(p).toContain('port "b"; its ports are in');
    expect(p).toContain("duplicate edge");
    const g2 = sinabsCnn();
    addNode(g2, "gate", createProduct());
    connect(g2, "12", "gate", { dstPort: "a" });
    expect(problemsOf(g2).join("\n")).toContain('node "gate" (Product): input port "b" not connected');
  });

  it("edges that disagree on a port's shape", () => {
    const g = sinabsCnn();
    connect(g, "1", "10"); // [16,16,16] into an IF that receives [256]
    expect(problemsOf(g).join("\n")).toMatch(
      /edge 1 → 10: carries \[16,16,16\] but the port receives \[256\]/,
    );
  });

  it("duplicate node ids are refused", () => {
    const g = createGraph();
    addNode(g, "a", createInput([1]));
    expect(() => addNode(g, "a", createInput([1]))).toThrow(/defined twice/);
  });
});

describe("property: random feed-forward stacks", () => {
  it("infer the sizes they were built with, and a corrupted layer is named", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 6 }),
        fc.nat(),
        (sizes, pick) => {
          const g = createGraph();
          addNode(g, "in", createInput([sizes[0]!]));
          let prev = "in";
          for (let i = 1; i < sizes.length; i++) {
            addNode(g, `fc${i}`, createAffine(w(sizes[i]!, sizes[i - 1]!), w(sizes[i]!)));
            addNode(g, `lif${i}`, ifNode());
            connect(g, prev, `fc${i}`);
            connect(g, `fc${i}`, `lif${i}`);
            prev = `lif${i}`;
          }
          addNode(g, "out", createOutput());
          connect(g, prev, "out");
          expect(inferShapes(g).get("out")?.outputs.out).toEqual([sizes[sizes.length - 1]]);
          const k = 1 + (pick % (sizes.length - 1));
          g.nodes.set(`fc${k}`, createAffine(w(sizes[k]!, sizes[k - 1]! + 1), w(sizes[k]!)));
          const p = problemsOf(g);
          expect(p.length).toBeGreaterThan(0);
          expect(p[0]).toContain(`node "fc${k}" (Affine)`);
        },
      ),
      { numRuns: 100 },
    );
  });
});

it("ndarray refuses data that does not fill its shape", () => {
  expect(() => ndarray([2, 2], [1, 2, 3])).toThrow(/do not fill/);
});
