import pino, { type Logger } from "pino";
import { env } from "./env";

/** Fields that may carry credentials; pino replaces them before writing. */
export const redactedPaths = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "apiKey",
  "*.apiKey",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
];

declare global {
  var __trellisLogger: Logger | undefined;
}

/** The process-wide structured JSON logger. */
export function logger(): Logger {
  globalThis.__trellisLogger ??= pino({
    level: env().LOG_LEVEL,
    base: { service: "trellis" },
    redact: { paths: redactedPaths, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return globalThis.__trellisLogger;
}

export type { Logger };
