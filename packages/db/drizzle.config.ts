import { defineConfig } from "drizzle-kit";

// Migrations are generated into the repository's root drizzle/ folder and
// committed; migrate() applies them at start-up and in test setup.
export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/db/src/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
