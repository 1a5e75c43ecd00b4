// Registers every importer. Adding a format: one file in this folder plus one line here.

import { nirImporter } from "./nir/index.js";
import { onnxImporter } from "./onnx/index.js";
import { importers } from "./registry.js";

importers.register("nir", nirImporter);
importers.register("onnx", onnxImporter);

export { importers };
