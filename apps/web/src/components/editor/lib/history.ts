/**
 * Undo and redo over immutable snapshots (of the workflow definition). Edits
 * that carry the same `key` within `coalesceMs` of each other (typing in one
 * field, nudging a node with the arrow keys) become one step.
 */
export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  readonly lastKey: string | null;
  readonly lastAt: number;
}

export const HISTORY_LIMIT = 100;
export const COALESCE_MS = 1_000;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null, lastAt: 0 };
}

export interface CommitOptions {
  /** Edits with the same key in quick succession merge into one undo step. */
  key?: string;
  /** The time of the edit (ms); passed in so the function stays pure. */
  now?: number;
  limit?: number;
}

export function commit<T>(history: History<T>, next: T, options: CommitOptions = {}): History<T> {
  if (next === history.present) return history;
  const now = options.now ?? 0;
  const key = options.key ?? null;
  if (key !== null && key === history.lastKey && now - history.lastAt < COALESCE_MS && history.past.length > 0) {
    return { ...history, present: next, future: [], lastAt: now };
  }
  const limit = options.limit ?? HISTORY_LIMIT;
  const past = [...history.past, history.present];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, present: next, future: [], lastKey: key, lastAt: now };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past[history.past.length - 1];
  if (history.past.length === 0 || previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future], lastKey: null, lastAt: 0 };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (history.future.length === 0 || next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest, lastKey: null, lastAt: 0 };
}

/** Replaces the present without an undo step (a reload from the server starts over). */
export function reset<T>(present: T): History<T> {
  return createHistory(present);
}

export const canUndo = (history: History<unknown>) => history.past.length > 0;
export const canRedo = (history: History<unknown>) => history.future.length > 0;
