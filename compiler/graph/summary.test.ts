import { expect, it } from "vitest";
import {
  chain,
  createAffine,
  createConv2d,
  createFlatten,
  createGraph,
  createIF,
  createInput,
  createOutput,
  createSumPool2d,
  filled,
  scalar,
} from "./index.js";
import { summarizeGraph } from "./summary.js";

it("counts the NIR paper CNN's dense MACs in both conventions", () => {
  const g = createGraph();
  const w = (...s: number[]) => filled(s, 0.5);
  const ifn = () => createIF({ r: scalar(1), vThreshold: scalar(1), vReset: scalar(0) });
  chain(g, [
    ["input", createInput([2, 34, 34])],
    ["0", createConv2d({ weight: w(16, 2, 5, 5), stride: [2, 2], pads: [1, 1, 1, 1] })],
    ["1", ifn()],
    ["2", createConv2d({ weight: w(16, 16, 3, 3), pads: [1, 1, 1, 1] })],
    ["3", ifn()],
    ["4", createSumPool2d({ kernel: [2, 2] })],
    ["5", createConv2d({ weight: w(8, 16, 3, 3), pads: [1, 1, 1, 1] })],
    ["6", ifn()],
    ["7", createSumPool2d({ kernel: [2, 2] })],
    ["8", createFlatten()],
    ["9", createAffine(w(256, 128), w(256))],
    ["10", ifn()],
    ["11", createAffine(w(10, 256), w(10))],
    ["12", ifn()],
    ["output", createOutput()],
  ]);
  const s = summarizeGraph(g);
  const byId = new Map(s.nodes.map((n) => [n.id, n]));
  expect([byId.get("0")?.denseMacs, byId.get("2")?.denseMacs, byId.get("5")?.denseMacs]).toEqual([
    199_712, 541_696, 61_952,
  ]);
  expect(s.totals.denseMacs).toBe(838_688);
  expect(s.totals.denseMacsPadded).toBe(903_680);
  expect(s.totals.neurons).toBe(8_970);
  expect(s.totals.params).toBe(800 + 2304 + 1152 + 32_768 + 256 + 2_560 + 10); // weights + FC biases (convs have none)
  expect(s.outputs).toEqual([{ id: "output", shape: [10] }]);
});
