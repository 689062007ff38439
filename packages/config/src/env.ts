import path from "node:path";
import { z } from "zod";
import { findWorkspaceRoot } from "./workspace-root";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

/**
 * Every variable Trellis reads. All are optional: with none set the app runs
 * on the embedded defaults (PGlite under .data/, the embedded driver, an
 * in-process rate limiter, a generated auth secret).
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).optional(),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  DATABASE_DRIVER: z.enum(["pglite", "pg", "neon"]).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  TRELLIS_DATA_DIR: optionalString,
  TRELLIS_MIGRATIONS_DIR: optionalString,
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  // 32 bytes, base64: encrypts workspace secrets (AES-256-GCM). Generated into the data directory when unset.
  TRELLIS_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes encoded in base64 (openssl rand -base64 32)")
      .optional(),
  ),
  NEXTAUTH_URL: optionalString.pipe(z.url().optional()),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_DEV: flag,
  // Where the Inngest server (a dev server, or a self-hosted one) answers; http://localhost:8288 with INNGEST_DEV, Inngest Cloud otherwise.
  INNGEST_BASE_URL: optionalString.pipe(z.url().optional()),
  // Inngest Cloud: the environment (branch) the app syncs to, named in dashboard links; "production" when unset.
  INNGEST_ENV: optionalString,
  UPSTASH_REDIS_REST_URL: optionalString.pipe(z.url().optional()),
  UPSTASH_REDIS_REST_TOKEN: optionalString,
  // JSON overrides of the rate-limit policy table (see packages/api/src/rate-limit/policies.ts).
  TRELLIS_RATE_LIMITS: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  REST_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  // Embedded driver: runs one worker process executes at once.
  TRELLIS_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  // Embedded driver: how long a worker's claim on a run lasts without a heartbeat; a dead worker's runs resume after it.
  TRELLIS_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  // Embedded driver: fallback poll for queued runs, due schedules and expired leases (notifications wake workers sooner).
  TRELLIS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),
  // Embedded driver: on SIGTERM, how long steps in flight may take to finish before their runs are released.
  TRELLIS_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  // Hosts the HTTP node may reach although they resolve to private addresses: comma-separated names, *.suffixes, IPs or CIDRs.
  TRELLIS_ALLOWED_HOSTS: optionalString.transform((v) => (v ? v.split(",").map((h) => h.trim()).filter(Boolean) : [])),
});

export type Env = z.infer<typeof envSchema>;

/** Thrown at start-up when a variable is set to something unusable. */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      `Invalid configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join("; ")}`,
    );
    this.name = "ConfigError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "environment"),
        message: issue.message,
      })),
    );
  }
  const env = result.data;
  if (Boolean(env.AUTH_GITHUB_ID) !== Boolean(env.AUTH_GITHUB_SECRET)) {
    throw new ConfigError([
      {
        variable: env.AUTH_GITHUB_ID ? "AUTH_GITHUB_SECRET" : "AUTH_GITHUB_ID",
        message: "must be set together with its pair to enable GitHub sign-in",
      },
    ]);
  }
  if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
    throw new ConfigError([
      {
        variable: env.UPSTASH_REDIS_REST_URL ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL",
        message: "must be set together with its pair to enable Upstash rate limits",
      },
    ]);
  }
  return env;
}

let cached: Env | undefined;

/** The validated process environment, parsed once. */
export function env(): Env {
  // The one place process.env is read (see docs/CONVENTIONS.md).
  cached ??= parseEnv(process.env);
  return cached;
}

/** Where embedded state lives: the PGlite database and generated secrets. */
export function dataDir(config: Env = env()): string {
  return path.resolve(/*turbopackIgnore: true*/ config.TRELLIS_DATA_DIR ?? path.join(findWorkspaceRoot(), ".data"));
}

export function migrationsDir(config: Env = env()): string {
  return path.resolve(/*turbopackIgnore: true*/ config.TRELLIS_MIGRATIONS_DIR ?? path.join(findWorkspaceRoot(), "drizzle"));
}
