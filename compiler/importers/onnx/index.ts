// The ONNX importer (.onnx): registered by compiler/importers/register-all.ts; see README.md beside this file
// for the operator table. ONNX has no magic number, so the importer is chosen by extension only.

import type { Importer } from "../registry.js";
import { importOnnx } from "./importer.js";

export { importOnnx } from "./importer.js";

export const onnxImporter: Importer = {
  name: "onnx",
  extensions: [".onnx"],
  // a ModelProto starts with an ordinary protobuf tag (0x08, ir_version) that other protobuf formats (.nmir)
  // share, so sniffing would steal their files; rely on the extension instead
  sniff: () => false,
  load: async (bytes, fileName) => importOnnx(bytes, fileName),
};
