import { defineConfig } from "vitest/config";

// `npm run test:full`: the slow end-to-end cases (*.full.test.ts) that `npm test` leaves out; CI runs both.
export default defineConfig({
  test: {
    include: ["**/*.full.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    testTimeout: 600_000,
    pool: "threads",
    isolate: false,
    setupFiles: ["test/setup.ts"],
    // one temporary folder per run, removed at its end (test/temp-root.ts)
    globalSetup: ["test/temp-root.ts"],
    reporters: ["default", "json"],
    outputFile: { json: "dist/vitest-full-results.json" },
  },
});
