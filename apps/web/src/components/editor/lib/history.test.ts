import { describe, expect, it } from "vitest";
import { canRedo, canUndo, commit, COALESCE_MS, createHistory, redo, undo } from "./history";

describe("undo/redo history", () => {
  it("undoes and redoes snapshots in order", () => {
    let h = createHistory("a");
    h = commit(h, "b", { now: 1 });
    h = commit(h, "c", { now: 2 });
    expect(h.present).toBe("c");
    h = undo(h);
    expect(h.present).toBe("b");
    h = undo(h);
    expect(h.present).toBe("a");
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    h = redo(h);
    expect(h.present).toBe("c");
    expect(canRedo(h)).toBe(false);
  });

  it("drops the redo branch on a new edit", () => {
    let h = commit(commit(createHistory(1), 2), 3);
    h = undo(h);
    h = commit(h, 4);
    expect(h.present).toBe(4);
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe(2);
  });

  it("merges quick edits with the same key (typing in one field) into one step", () => {
    let h = createHistory("");
    h = commit(h, "h", { key: "config:a:url", now: 1_000 });
    h = commit(h, "ht", { key: "config:a:url", now: 1_200 });
    h = commit(h, "htt", { key: "config:a:url", now: 1_400 });
    expect(h.past).toEqual([""]);
    // Another field, or a pause, starts a new step.
    h = commit(h, "htt!", { key: "config:a:url", now: 1_400 + COALESCE_MS + 1 });
    h = commit(h, "x", { key: "name:a", now: 3_000 });
    expect(h.past).toEqual(["", "htt", "htt!"]);
    expect(undo(undo(h)).present).toBe("htt");
  });

  it("ignores an edit that changes nothing and keeps at most `limit` steps", () => {
    const h = createHistory("same");
    expect(commit(h, "same")).toBe(h);
    let long = createHistory(0);
    for (let i = 1; i <= 10; i++) long = commit(long, i, { limit: 3 });
    expect(long.past).toEqual([7, 8, 9]);
  });

  it("undo and redo at the ends are no-ops", () => {
    const h = createHistory("x");
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });
});
