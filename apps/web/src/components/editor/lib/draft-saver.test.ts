import { describe, expect, it, vi } from "vitest";
import { DraftSaver, type SaverOptions } from "./draft-saver";
import { setNodeConfig } from "./definition-ops";
import { orderRouter } from "./test-fixtures";
import type { WorkflowDefinition } from "./types";

class Conflict extends Error {
  constructor(readonly current: number) {
    super("conflict");
  }
}

function setup(patch: Partial<SaverOptions> = {}) {
  const timers: { fn: () => void; ms: number }[] = [];
  const sent: { definition?: WorkflowDefinition; name?: string; revision: number }[] = [];
  let revision = 1;
  const saver = new DraftSaver({
    revision: 1,
    definition: orderRouter(),
    hasUnpublishedChanges: false,
    send: async (change, expected) => {
      sent.push({ ...change, revision: expected });
      if (expected !== revision) throw new Conflict(revision);
      revision += 1;
      return { revision, hasUnpublishedChanges: true };
    },
    conflictOf: (error) => (error instanceof Conflict ? error.current : undefined),
    messageOf: (error) => (error instanceof Error ? error.message : "failed"),
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length - 1;
    },
    clearTimer: (handle) => {
      const timer = timers[handle as number];
      if (timer) timer.fn = () => undefined;
    },
    ...patch,
  });
  const fire = async () => {
    const pending = timers.splice(0);
    for (const timer of pending) timer.fn();
    await vi.waitFor(() => expect(saver.getSnapshot().status).not.toBe("saving"));
  };
  return { saver, sent, fire, timers, bump: () => (revision += 1) };
}

describe("draft autosave", () => {
  it("saves after a pause, once, with the revision the last save answered", async () => {
    const { saver, sent, fire, timers } = setup();
    const a = setNodeConfig(orderRouter(), "big", ["expression"], "10");
    const b = setNodeConfig(a, "big", ["expression"], "100");
    saver.update(a);
    saver.update(b);
    expect(saver.getSnapshot().status).toBe("unsaved");
    expect(timers.at(-1)?.ms).toBe(800);
    await fire();
    expect(sent).toEqual([{ definition: b, revision: 1 }]);
    expect(saver.getSnapshot()).toMatchObject({ status: "saved", revision: 2, hasUnpublishedChanges: true });
    saver.update(setNodeConfig(b, "big", ["expression"], "7"));
    await fire();
    expect(sent[1]?.revision).toBe(2);
  });

  it("is clean again when an undo returns to what the server has", () => {
    const original = orderRouter();
    const { saver } = setup({ definition: original });
    saver.update(setNodeConfig(original, "big", ["expression"], "10"));
    saver.update(original);
    expect(saver.getSnapshot().status).toBe("saved");
  });

  it("stops at a conflict and resumes after overwrite", async () => {
    const { saver, sent, fire, bump } = setup();
    bump(); // another tab saved: the server is at revision 2
    const edited = setNodeConfig(orderRouter(), "big", ["expression"], "10");
    saver.update(edited);
    await fire();
    expect(saver.getSnapshot()).toMatchObject({ status: "conflict", conflictRevision: 2 });
    saver.update(setNodeConfig(edited, "big", ["expression"], "11"));
    expect(saver.getSnapshot().status).toBe("conflict");
    expect(await saver.overwrite(2)).toBe(true);
    expect(sent.at(-1)?.revision).toBe(2);
    expect(saver.getSnapshot()).toMatchObject({ status: "saved", revision: 3 });
  });

  it("flushes pending changes at once, and accepts a definition the server already has", async () => {
    const { saver, sent } = setup();
    const edited = setNodeConfig(orderRouter(), "big", ["expression"], "10");
    saver.update(edited);
    expect(await saver.flush()).toBe(true);
    expect(sent).toHaveLength(1);
    const restored = orderRouter();
    saver.accept(restored, { revision: 9, hasUnpublishedChanges: true });
    saver.update(restored);
    expect(saver.getSnapshot()).toMatchObject({ status: "saved", revision: 9 });
  });

  it("reports a failed save and retries it", async () => {
    let fail = true;
    const { saver, fire } = setup({
      send: async () => {
        if (fail) throw new Error("database down");
        return { revision: 2, hasUnpublishedChanges: true };
      },
    });
    saver.update(setNodeConfig(orderRouter(), "big", ["expression"], "10"));
    await fire();
    expect(saver.getSnapshot()).toMatchObject({ status: "error", error: "database down" });
    fail = false;
    saver.retry();
    await vi.waitFor(() => expect(saver.getSnapshot().status).toBe("saved"));
  });

  it("renames in the same revision chain", async () => {
    const { saver, sent } = setup();
    expect(await saver.rename("New name")).toBe(true);
    expect(sent).toEqual([{ name: "New name", revision: 1 }]);
    expect(saver.revision).toBe(2);
  });
});
