import { defineConfig } from "vitest/config";

// `npm test`: every *.test.ts except the slow end-to-end *.full.test.ts cases, which `npm run test:full`
// (vitest.full.config.ts) runs; CI runs both.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", "**/*.full.test.ts"],
    testTimeout: 60_000,
    setupFiles: ["test/setup.ts"],
    // The JSON summary lets CI print a plain "N passed, N failed" line (see .ci/run).
    reporters: ["default", "json"],
    outputFile: { json: "dist/vitest-results.json" },
  },
});
