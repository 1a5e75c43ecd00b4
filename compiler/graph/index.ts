// NetGraph: the float graph importers produce, the zoo builds and the compiler lowers (DESIGN §2).

export * from "./dense-ops.js";
export * from "./graph.js";
export * from "./infer.js";
export * from "./lookahead.js";
export * from "./ndarray.js";
export * from "./nodes.js";
export { convOutLength, outputShape } from "./shapes.js";
export * from "./summary.js";
export * from "./validate.js";
