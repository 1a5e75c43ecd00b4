// `loadProfile` with the `yaml` package imported here rather than on first use (common/yaml.ts): the entry of the
// profile loader's bundle (cli/bundles.ts), which a direct SANA-FE run loads on its scheduling thread, so the
// bundle holds the YAML library too. `profileNames` lets the build load every built-in profile once to make the
// bundle's code cache (cli/build-bundles.ts).

import * as Yaml from "yaml";
import { provideYamlLib } from "../common/yaml.js";

provideYamlLib(Yaml);

export { loadProfile } from "./loader.js";
export { profileNames } from "./registry.js";
