// Registers every importer. Adding a format: one file in this folder plus one line here.

import { importers } from "./registry.js";

export { importers };
