import { describe, expect, it } from "vitest";
import { Batcher, type BatchOptions } from "./batcher";

/** A batcher that answers each item with `answer(item)` and records the batches it flushed. */
function recordingBatcher<I, O>(answer: (item: I) => O, options: BatchOptions<I>): { batcher: Batcher<I, O>; batches: I[][] } {
  const batches: I[][] = [];
  const batcher = new Batcher<I, O>(
    "test",
    async (items) => {
      batches.push(items);
      return items.map(answer);
    },
    options,
  );
  return { batcher, batches };
}

describe("Batcher", () => {
  it("flushes items submitted together in one batch, and items submitted meanwhile in the next", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const batcher = new Batcher<number, number>("test", async (items) => {
      batches.push(items);
      if (batches.length === 1) await first;
      return items.map((item) => item * 10);
    });
    const a = batcher.submit(1);
    const b = batcher.submit(2);
    await new Promise((resolve) => setImmediate(resolve));
    const c = batcher.submit(3);
    const d = batcher.submit(4);
    release();
    expect(await Promise.all([a, b, c, d])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("retries a batch after a lost connection and rejects it on any other error", async () => {
    let calls = 0;
    const batcher = new Batcher<string, string>("test", async (items) => {
      calls++;
      if (items[0] === "lost" && calls === 1) throw Object.assign(new Error("terminating connection"), { code: "57P01" });
      if (items[0] === "bad") throw Object.assign(new Error("invalid input"), { code: "22P02" });
      return items;
    });
    expect(await batcher.submit("lost")).toBe("lost");
    expect(calls).toBe(2);
    await expect(batcher.submit("bad")).rejects.toThrow("invalid input");
  });

  it("splits what is queued by the batch limits: item count and summed weight, at least one item a flush", async () => {
    const { batcher, batches } = recordingBatcher((item: string) => item.length, { maxItems: 3, maxWeight: 10, weight: (item) => item.length });
    const items = ["aaaa", "bbbb", "cc", "d", "e", "f", "g", "hhhhhhhhhhhh", "i"];
    expect(await Promise.all(items.map((item) => batcher.submit(item)))).toEqual(items.map((item) => item.length));
    expect(batches).toEqual([["aaaa", "bbbb", "cc"], ["d", "e", "f"], ["g"], ["hhhhhhhhhhhh"], ["i"]]);
  });

  it("lingers before a flush when asked, so items submitted meanwhile share it", async () => {
    const { batcher, batches } = recordingBatcher((item: number) => item, { lingerMs: 30 });
    const first = batcher.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = batcher.submit(2);
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(batches).toEqual([[1, 2]]);
  });
});
