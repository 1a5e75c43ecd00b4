// Reads a weights file of any supported container (.pt/.pth, .safetensors, .npz) into a state_dict.

import { extname } from "node:path";
import { SpikegridError } from "../common/errors.js";
import {
  readNpzFile,
  readSafetensorsFile,
  readTorchFile,
  type StateDict,
} from "../compiler/importers/tensors/index.js";

export const STATE_DICT_EXTENSIONS = [".pt", ".pth", ".ckpt", ".bin", ".safetensors", ".npz"];

export function readStateDictFile(path: string): {
  stateDict: StateDict;
  warnings: string[];
  metadata?: Record<string, string>;
} {
  const ext = extname(path).toLowerCase();
  if (ext === ".safetensors") {
    const { stateDict, metadata } = readSafetensorsFile(path);
    return { stateDict, warnings: [], metadata };
  }
  if (ext === ".npz") return { stateDict: readNpzFile(path), warnings: [] };
  if (ext === ".pt" || ext === ".pth" || ext === ".ckpt" || ext === ".bin") {
    const { stateDict, warnings } = readTorchFile(path);
    return { stateDict, warnings };
  }
  throw new SpikegridError(
    "USAGE",
    `${path}: not a weights file (expected one of ${STATE_DICT_EXTENSIONS.join(", ")})`,
  );
}
