/**
 * The SQLSTATE of a database error, whichever driver raised it. Drizzle wraps
 * driver errors in a DrizzleQueryError whose `cause` holds the original, so
 * the code may sit a few levels down.
 */
export function postgresErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Object; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = "23505";
