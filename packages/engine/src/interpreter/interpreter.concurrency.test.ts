import { describe, expect, it } from "vitest";
import { createProbe, testRegistry } from "../testing/nodes";
import { outputOf, planOf, run, workflow } from "../testing/workflow";

const trigger = { id: "t", type: "trigger.manual" };

describe("concurrency", () => {
  it("runs two independent branches that each wait 1 s in under 1.5 s", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "waitA", type: "delay", config: { durationMs: 1_000 } },
          { id: "waitB", type: "delay", config: { durationMs: 1_000 } },
          {
            id: "join",
            type: "transform",
            config: { expression: "$count($keys(inputs))" },
          },
        ],
        [
          ["t", "waitA"],
          ["t", "waitB"],
          ["waitA", "join"],
          ["waitB", "join"],
        ],
      ),
    );
    const started = Date.now();
    const { result } = await run(plan, null);
    const elapsed = Date.now() - started;
    expect(outputOf(result)).toEqual({ join: 2 });
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1_500);
  });

  it("caps node steps running at once at settings.maxParallelism", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const branches = Array.from({ length: 6 }, (_, i) => ({
      id: `b${i}`,
      type: "test.work",
      config: { delayMs: 15 },
    }));
    const plan = planOf(
      workflow(
        [trigger, ...branches],
        branches.map((b) => ["t", b.id] as [string, string]),
        { maxParallelism: 2 },
      ),
      registry,
    );
    const { result } = await run(plan, null, { registry });
    expect(result.status).toBe("succeeded");
    expect(probe.maxRunning).toBe(2);
  });

  it("starts a join only after every live parent has finished", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "slow", type: "test.work", config: { delayMs: 40 } },
          { id: "fast", type: "test.work", config: { delayMs: 1 } },
          { id: "join", type: "test.work", config: {} },
        ],
        [
          ["t", "slow"],
          ["t", "fast"],
          ["slow", "join"],
          ["fast", "join"],
        ],
      ),
      registry,
    );
    await run(plan, null, { registry });
    expect(probe.finished).toEqual(["fast", "slow", "join"]);
  });
});
