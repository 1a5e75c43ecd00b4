import { defineConfig } from "vitest/config";

// `npm test`: every *.test.ts except the slow end-to-end *.full.test.ts cases, which `npm run test:full`
// (vitest.full.config.ts) runs; CI runs both.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", "**/*.full.test.ts"],
    testTimeout: 60_000,
    // One module graph per worker thread instead of one per file: the test files share the same heavy imports
    // (mathjs, protobufjs, the compiler), and re-evaluating them per file was half of the suite's CPU time.
    // Tests keep no module state of their own; the registries they share are filled once, by name.
    pool: "threads",
    isolate: false,
    setupFiles: ["test/setup.ts"],
    // one temporary folder per run, removed at its end (test/temp-root.ts)
    globalSetup: ["test/temp-root.ts"],
    // The JSON summary lets CI print a plain "N passed, N failed" line (see .ci/run).
    reporters: ["default", "json"],
    outputFile: { json: "dist/vitest-results.json" },
  },
});
