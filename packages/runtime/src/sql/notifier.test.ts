import { describe, expect, it } from "vitest";
import { Notifier } from "./notifier";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("Notifier", () => {
  it("sends what is queued in one tick together, one payload per channel, without repeats", async () => {
    const sent: [string[], string[]][] = [];
    const notifier = new Notifier(() => "me", async (channels, payloads) => void sent.push([channels, payloads]));
    notifier.notify("a", "1");
    notifier.notify("a", "2");
    notifier.notify("a", "1");
    notifier.notify("b", "");
    await tick();
    await tick();
    expect(sent).toEqual([[["a", "b"], ["me|1;2", "me|"]]]);
  });

  it("splits entries over payloads that stay under PostgreSQL's limit", async () => {
    const sent: string[] = [];
    const notifier = new Notifier(() => "me", async (_channels, payloads) => void sent.push(...payloads));
    const entry = "x".repeat(100);
    for (let i = 0; i < 150; i++) notifier.notify("a", `${entry}${i}`);
    await tick();
    await tick();
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((payload) => payload.length <= 7_000 && payload.startsWith("me|"))).toBe(true);
    expect(sent.flatMap((payload) => payload.slice(3).split(";"))).toHaveLength(150);
  });

  it("holds delayed entries back until their delay (or an immediate entry) sends them", async () => {
    const sent: string[][] = [];
    const notifier = new Notifier(() => "me", async (channels) => void sent.push(channels));
    notifier.notify("events", "1", 30);
    await tick();
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sent).toEqual([["events"]]);
    notifier.notify("events", "2", 1_000);
    notifier.notify("queued", "");
    await tick();
    await tick();
    expect(sent).toEqual([["events"], ["events", "queued"]]);
  });

  it("holds delayed entries queued during a send for their delay too, and sends an immediate one right after", async () => {
    const sent: string[] = [];
    let finishSend = () => {};
    const notifier = new Notifier(
      () => "me",
      (_channels, payloads) => {
        sent.push(...payloads);
        return new Promise<void>((resolve) => (finishSend = resolve));
      },
    );
    notifier.notify("events", "1", 30);
    await new Promise((resolve) => setTimeout(resolve, 45));
    expect(sent).toEqual(["me|1"]);
    notifier.notify("events", "2", 30);
    finishSend();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Queued while the first send was in flight: it waits out its delay after that send.
    expect(sent).toEqual(["me|1"]);
    await new Promise((resolve) => setTimeout(resolve, 45));
    expect(sent).toEqual(["me|1", "me|2"]);
    notifier.notify("events", "3", 30);
    notifier.notify("queued", "");
    finishSend();
    await tick();
    await tick();
    expect(sent).toEqual(["me|1", "me|2", "me|3", "me|"]);
  });

  it("keeps going after a failed send", async () => {
    let calls = 0;
    const notifier = new Notifier(
      () => "me",
      async () => {
        calls++;
        if (calls === 1) throw new Error("connection lost");
      },
    );
    notifier.notify("a", "1");
    await tick();
    await tick();
    notifier.notify("a", "2");
    await tick();
    await tick();
    expect(calls).toBe(2);
  });
});
