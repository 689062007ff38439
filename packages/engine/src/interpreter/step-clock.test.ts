import { expect, it } from "vitest";
import { stepClock } from "./step-clock";

it("tells steps apart within one millisecond and never goes back, staying on the wall clock", () => {
  const before = Date.now();
  const times = Array.from({ length: 5_000 }, () => stepClock());
  for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
  expect(times[0]).toBeGreaterThanOrEqual(before);
  // Thousands of calls in a few milliseconds run ahead of the wall clock by at most a few milliseconds.
  expect((times.at(-1) as number) - Date.now()).toBeLessThan(10);
});
