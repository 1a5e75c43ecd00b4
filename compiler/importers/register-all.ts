// Registers every importer. Adding a format: one file in this folder plus one line here.

import { nirImporter } from "./nir/index.js";
import { onnxImporter } from "./onnx/index.js";
import { importers } from "./registry.js";
import { sanafeImporter } from "./sanafe/index.js";

importers.register("nir", nirImporter);
importers.register("onnx", onnxImporter);
importers.register("sanafe", sanafeImporter);

export { importers };
