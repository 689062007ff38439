import { describe, expect, it } from "vitest";
import { scheduledInput, scheduleRunKey } from "./scheduler";

describe("scheduled runs", () => {
  const slot = new Date("2030-05-01T08:00:00.000Z");

  it("have one idempotency key per schedule and slot", () => {
    expect(scheduleRunKey("s1", slot)).toBe("schedule:s1:2030-05-01T08:00:00.000Z");
  });

  it("receive the slot, merged into an object input", () => {
    expect(scheduledInput(null, slot)).toEqual({ scheduledAt: "2030-05-01T08:00:00.000Z" });
    expect(scheduledInput({ region: "eu" }, slot)).toEqual({ region: "eu", scheduledAt: "2030-05-01T08:00:00.000Z" });
    expect(scheduledInput([1, 2], slot)).toEqual([1, 2]);
  });
});
