import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

// Layering is enforced here: the engine is pure, the database layer knows no
// API, and no package reaches into the web app.
const restrict = (patterns) => ({
  "no-restricted-imports": ["error", { patterns: patterns.map((group) => ({ group: [group], message: "This import breaks the package layering (see docs/ARCHITECTURE.md)." })) }],
});

const noWebApp = ["@trellis/web*", "**/apps/web/**"];

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/.scratch/**", "**/.*-scratch/**", "**/.next/**", "**/dist/**", "drizzle/**", "**/next-env.d.ts", "test-results/**", "playwright-report/**", ".data/**", "**/.data/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    files: ["apps/web/**/*.tsx", "apps/web/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  // ESLint keeps only the last matching value of a rule, so each package's
  // list repeats the shared "never import the web app" patterns.
  { files: ["packages/*/src/**"], rules: restrict(noWebApp) },
  { files: ["packages/engine/**"], rules: restrict([...noWebApp, "@trellis/db*", "@trellis/api*", "@trellis/runtime*", "@trellis/auth*", "next", "next/*", "inngest", "inngest/*", "drizzle-orm*", "pg", "react"]) },
  { files: ["packages/db/**"], rules: restrict([...noWebApp, "@trellis/api*", "@trellis/runtime*", "@trellis/auth*", "next", "next/*"]) },
  { files: ["packages/bench/**", "scripts/**", "e2e/**", "**/*.config.*", "packages/*/src/**/*-cli.ts"], rules: { "no-console": "off" } },
);
