// Tensor file formats without Python: .npy/.npz, PyTorch .pt/.pth/.ckpt (zip and legacy), .safetensors.
// The importers turn what these return (a StateDict) into NetGraph parameters.

export { readNpy, readNpyFile, readNpz, readNpzFile, writeNpy, writeNpyFile } from "./npy.js";
export { dictAttributes, PyFunction, PyGlobal, PyObject } from "./pickle-types.js";
export {
  readSafetensors,
  readSafetensorsFile,
  type SafetensorsFile,
  writeSafetensors,
  writeSafetensorsFile,
} from "./safetensors.js";
export { type FindOptions, type FoundStateDict, findStateDict, isTensor, toPlain } from "./state-dict.js";
export {
  DTYPES,
  type DType,
  elementCount,
  halfToNumber,
  itemSize,
  type StateDict,
  type Tensor,
  type TensorData,
  toFloat32,
} from "./tensor.js";
export { TorchDtype } from "./torch-globals.js";
export {
  readTorchCheckpoint,
  readTorchFile,
  type TorchCheckpoint,
  type TorchReadOptions,
} from "./torch-zip.js";
