import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript source.
  transpilePackages: ["@trellis/api", "@trellis/auth", "@trellis/config", "@trellis/db", "@trellis/engine", "@trellis/runtime"],
  // Loaded from node_modules at run time: PGlite finds its WASM next to its
  // module, and the database drivers and logger use Node built-ins.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@neondatabase/serverless", "ws", "pino", "bcryptjs"],
  typescript: { ignoreBuildErrors: false },
};

export default config;
