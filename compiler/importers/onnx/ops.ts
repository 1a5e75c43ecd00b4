// The op-converter registry keyed by ONNX op_type (one table per operator family), and what to suggest for
// operators that have no NetGraph counterpart. Adding an operator: a converter in its family file plus its key.

import { ELEMENTWISE_OPS } from "./ops-elementwise.js";
import { type Converter, LINEAR_OPS } from "./ops-linear.js";
import { POOL_OPS } from "./ops-pool.js";
import { SHAPE_OPS } from "./ops-shape.js";

export type { Converter };

/** Converters for operators that read activations (constant-only evaluation lives in fold.ts). */
// null prototype: an op_type such as "constructor" or "toString" must not find Object.prototype members
const CONVERTERS_TABLE: Readonly<Record<string, Converter>> = {
  ...LINEAR_OPS,
  ...ELEMENTWISE_OPS,
  ...SHAPE_OPS,
  ...POOL_OPS,
};
export const CONVERTERS: Readonly<Record<string, Converter>> = Object.assign(
  Object.create(null),
  CONVERTERS_TABLE,
);

const ACTIVATIONS =
  "NetGraph's graded activations are relu, clamp, gelu (exact), sigmoid and tanh: replace the activation with the closest one and fine-tune";

/** Per-operator advice; anything else gets `DEFAULT_SUGGESTION`. */
const SUGGESTIONS: Record<string, string> = {
  Softmax:
    "spiking networks have no softmax at run time: drop a final softmax (apply it to the outputs instead); for attention use spiking self-attention without softmax (Q·Kᵀ·scale → NetGraph DynamicMatmul)",
  LogSoftmax: "drop the final log-softmax from the exported model and apply it to the outputs",
  LSTM: "recurrent cells have no NetGraph counterpart: use LIF/LI neurons, an LMU (LmuMemory) or a diagonal SSM, or export the spiking network through NIR",
  GRU: "recurrent cells have no NetGraph counterpart: use LIF/LI neurons, an LMU (LmuMemory) or a diagonal SSM",
  RNN: "recurrent cells have no NetGraph counterpart: use LIF/LI neurons or export the network through NIR",
  Erf: "only the exact GELU pattern x·0.5·(1 + erf(x/√2)) is recognised; export nn.GELU() unchanged",
  LeakyRelu: ACTIVATIONS,
  PRelu: ACTIVATIONS,
  Elu: ACTIVATIONS,
  Selu: ACTIVATIONS,
  Softplus: ACTIVATIONS,
  HardSigmoid: ACTIVATIONS,
  HardSwish: ACTIVATIONS,
  ConvTranspose:
    "NetGraph has no transposed convolution: upsample another way (e.g. a Conv2d on a zero-stuffed input)",
  Resize: "NetGraph has no resampling node: replace upsampling with a convolution or remove it",
  Upsample: "NetGraph has no resampling node: replace upsampling with a convolution or remove it",
  LayerNormalization:
    "NetGraph has no layer norm (it is not linear at inference): use BatchNorm, which folds into the weights",
  NonMaxSuppression:
    "post-processing such as NMS belongs outside the network: cut the model before it (onnx.utils.extract_model)",
};

const DEFAULT_SUGGESTION =
  "replace the operator, or re-export with another opset (torch.onnx.export(..., opset_version=13)); NetGraph offers Affine/Linear, Conv1d/2d, pooling, BatchNorm, Activation, Product, DynamicMatmul, Reshape/Transpose/Concat";

export function suggestionFor(op: string): string {
  return SUGGESTIONS[op] ?? DEFAULT_SUGGESTION;
}
