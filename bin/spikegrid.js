#!/usr/bin/env node
// Entry point of the installed `spikegrid` command; the code lives in dist/ (built by `npm run build`).
// launch() runs large models in a child node with a heap sized to the machine (cli/launch.ts).
import { fileURLToPath } from "node:url";
import { launch } from "../dist/cli/launch.js";

const run = async (argv) => (await import("../dist/cli/main.js")).runCli(argv);
process.exitCode = await launch(process.argv.slice(2), fileURLToPath(import.meta.url), run);
