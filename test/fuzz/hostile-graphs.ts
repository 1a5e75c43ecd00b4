// Generators of hostile network files (.onnx, .nir): huge graphs, folding bombs, declared-but-absent data,
// ids that collide with JavaScript object keys. Used by the regression tests; a fuzz campaign can rerun them.

import { buildModel, ints64, type NodeSpec, tensor } from "../../compiler/importers/onnx/test-build.js";

/** Cause 5: input [n] → `length` Relu nodes → output. */
export function onnxReluChain(length: number, n = 4): Uint8Array {
  const nodes: NodeSpec[] = Array.from({ length }, (_, i) => ({
    op: "Relu",
    inputs: [i === 0 ? "x" : `h${i - 1}`],
    outputs: [i === length - 1 ? "y" : `h${i}`],
    name: `relu${i}`,
  }));
  return buildModel({ inputs: { x: ["batch", n] }, outputs: ["y"], nodes });
}

/**
 * Cause 4: a few hundred bytes whose constant folding makes `2^log2Elements` elements: `Expand` of a scalar
 * to that shape, `Range` of that length, or `Add` of the two; then added to the input so folding is forced.
 */
export function onnxFoldBomb(kind: "expand" | "range" | "add", log2Elements = 28): Uint8Array {
  const n = 2 ** log2Elements;
  const nodes: NodeSpec[] = [];
  const expand = () => nodes.push({ op: "Expand", inputs: ["one", "shape"], outputs: ["big_e"] });
  const range = () => nodes.push({ op: "Range", inputs: ["zero", "limit", "step"], outputs: ["big_r"] });
  if (kind === "expand") expand();
  else if (kind === "range") range();
  else {
    expand();
    range();
    nodes.push({ op: "Add", inputs: ["big_e", "big_r"], outputs: ["big_a"] });
  }
  const big = kind === "expand" ? "big_e" : kind === "range" ? "big_r" : "big_a";
  nodes.push({ op: "ReduceSum", inputs: [big], outputs: ["s"], attrs: { keepdims: 0 } });
  nodes.push({ op: "Add", inputs: ["x", "s"], outputs: ["y"] });
  return buildModel({
    inputs: { x: ["batch", 1] },
    outputs: ["y"],
    nodes,
    inits: {
      one: tensor([], [1]),
      zero: tensor([], [0]),
      step: tensor([], [1]),
      limit: tensor([], [n]),
      shape: ints64([n]),
    },
  });
}

/** Cause 7 for ONNX: a node whose op_type is a JavaScript object key (`constructor`, `toString`, …). */
export function onnxPrototypeOp(opType: string): Uint8Array {
  return buildModel({
    inputs: { x: ["batch", 4] },
    outputs: ["y"],
    nodes: [{ op: opType, inputs: ["x"], outputs: ["y"] }],
  });
}
