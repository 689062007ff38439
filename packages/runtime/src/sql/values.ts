/**
 * Row values come back differently per driver and path: node-postgres gives
 * Date objects and int8 as strings, Drizzle's raw execute gives timestamps as
 * strings, values inside json_agg are always strings. These normalise them.
 */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new TypeError(`not a timestamp: ${String(value)}`);
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

export function toNumber(value: unknown): number {
  const number = typeof value === "number" ? value : Number(value as string | bigint);
  if (!Number.isFinite(number)) throw new TypeError(`not a number: ${String(value)}`);
  return number;
}

/** JSON text for a `$n::jsonb` parameter; every driver passes a string through unchanged. */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
