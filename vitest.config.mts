import { defineConfig } from "vitest/config";

// Two projects: fast pure unit tests, and integration tests that touch a real
// database, real HTTP servers or child processes (longer timeouts, no parallel
// files so they do not fight over the machine's two cores).
export default defineConfig({
  test: {
    // Logs would bury the test report; tests assert behaviour, not log lines.
    env: { LOG_LEVEL: "silent" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/web/src/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["packages/*/src/**/*.int.test.ts", "apps/web/src/**/*.int.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
