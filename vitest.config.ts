import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    testTimeout: 60_000,
    setupFiles: ["test/setup.ts"],
    // The JSON summary lets CI print a plain "N passed, N failed" line (see .ci/run).
    reporters: ["default", "json"],
    outputFile: { json: "dist/vitest-results.json" },
  },
});
