#!/usr/bin/env node
// Entry point of the installed `spikegrid` command; the code lives in dist/ (built by `npm run build`).
import { runCli } from "../dist/cli/main.js";

process.exitCode = await runCli(process.argv.slice(2));
