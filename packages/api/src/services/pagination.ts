import { z } from "zod";
import { badRequest } from "@trellis/config/errors";

/**
 * Keyset pagination: a cursor names the last row of the previous page by its
 * sort key and id, so pages stay stable while rows are inserted, and a page
 * deep in the list costs what the first one does.
 */
export interface CursorKey {
  /** Which ordering the cursor belongs to; a cursor is refused under another one. */
  order: string;
  /** The sort column's value as text (timestamps at microsecond precision). */
  value: string;
  id: string;
}

const cursorShape = z.object({ o: z.string(), v: z.string(), i: z.uuid() });

export const limitSchema = z.number().int().min(1).max(100).default(20).meta({ description: "Items per page (1-100)" });
export const cursorSchema = z.string().min(1).max(1_000).optional().meta({ description: "The `nextCursor` of the previous page" });

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ o: key.order, v: key.value, i: key.id })).toString("base64url");
}

/** The cursor's key; BAD_REQUEST when it was tampered with or belongs to another ordering. */
export function decodeCursor(cursor: string, order: string): CursorKey {
  let parsed: z.infer<typeof cursorShape> | undefined;
  try {
    parsed = cursorShape.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    parsed = undefined;
  }
  if (!parsed) throw badRequest("The cursor is not one this API issued", { cursor: ["Pass the nextCursor of a previous page unchanged"] });
  if (parsed.o !== order) {
    throw badRequest("The cursor belongs to another sort order", { cursor: ["Keep the same sort and direction while paging"] });
  }
  return { order: parsed.o, value: parsed.v, id: parsed.i };
}

/** A page of items and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page" }),
  });
}

/**
 * Cuts a `limit + 1` query result into a page: the extra row only says that
 * another page exists.
 */
export function toPage<R, T>(rows: R[], limit: number, view: (row: R) => T, key: (row: R) => CursorKey): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(view), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}
