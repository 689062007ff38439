import { describe, expect, it } from "vitest";
import { RunCancelled, RunPaused } from "../errors";
import { createMemoryStepTools } from "../step-tools/memory";
import { createProbe, testRegistry } from "../testing/nodes";
import { planOf, run, runContext, workflow } from "../testing/workflow";
import type { RunControl } from "./types";

const trigger = { id: "t", type: "trigger.manual" };

function chain(length: number) {
  const probe = createProbe();
  const registry = testRegistry(probe);
  const nodes = [
    trigger,
    ...Array.from({ length }, (_, i) => ({
      id: `n${i}`,
      type: "test.work",
      config: { delayMs: 1 },
    })),
  ];
  const edges = nodes
    .slice(1)
    .map((n, i) => [nodes[i]!.id, n.id] as [string, string]);
  return { probe, registry, plan: planOf(workflow(nodes, edges), registry) };
}

/** Throws `error` at the checkpoint before the `at`-th step. */
function stopAt(
  at: number,
  error: () => Error,
): RunControl & { calls: number } {
  const control = {
    calls: 0,
    async checkpoint() {
      control.calls++;
      if (control.calls === at) throw error();
    },
  };
  return control;
}

describe("cancel and pause", () => {
  it("asks the control hook before every step and stops with RunCancelled", async () => {
    const { probe, registry, plan } = chain(5);
    const control = stopAt(4, () => new RunCancelled("user cancelled"));
    await expect(run(plan, null, { registry, control })).rejects.toBeInstanceOf(
      RunCancelled,
    );
    expect(probe.finished).toEqual(["n0", "n1"]);
  });

  it("pauses with RunPaused and resumes by replaying the journal", async () => {
    const { probe, registry, plan } = chain(5);
    const tools = createMemoryStepTools();
    await expect(
      run(plan, null, {
        registry,
        tools,
        control: stopAt(3, () => new RunPaused()),
      }),
    ).rejects.toBeInstanceOf(RunPaused);
    expect([...tools.journal.keys()]).toEqual(["t", "n0"]);

    const resumed = await run(plan, null, {
      registry,
      tools: createMemoryStepTools({ memo: tools.journal }),
    });
    expect(resumed.result.status).toBe("succeeded");
    expect(resumed.tools.replayed).toEqual(["t", "n0"]);
    expect(resumed.tools.executed).toEqual(["n1", "n2", "n3", "n4"]);
    expect(probe.calls.get("n0")).toBe(1);
  });

  it("cancels through the AbortSignal, aborting the node in flight without journaling it", async () => {
    const { registry, plan } = chain(3);
    const slow = planOf(
      workflow(
        [trigger, { id: "hang", type: "test.work", config: { kind: "hang" } }],
        [["t", "hang"]],
      ),
      registry,
    );
    const controller = new AbortController();
    const tools = createMemoryStepTools();
    setTimeout(() => controller.abort("stop"), 20);
    await expect(
      run(slow, null, {
        registry,
        tools,
        context: runContext({ signal: controller.signal }),
      }),
    ).rejects.toBeInstanceOf(RunCancelled);
    expect(tools.journal.has("hang")).toBe(false);
    expect(plan.order).toHaveLength(4);
  });

  it("lets in-flight steps of other branches finish and journal before a pause settles", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "slow", type: "test.work", config: { delayMs: 40 } },
          { id: "fast", type: "test.work", config: {} },
          { id: "next", type: "noop" },
        ],
        [
          ["t", "slow"],
          ["t", "fast"],
          ["fast", "next"],
        ],
      ),
      registry,
    );
    const tools = createMemoryStepTools();
    await expect(
      run(plan, null, {
        registry,
        tools,
        control: stopAt(4, () => new RunPaused()),
      }),
    ).rejects.toBeInstanceOf(RunPaused);
    expect(tools.journal.has("slow")).toBe(true);
    expect(tools.journal.has("next")).toBe(false);
  });

  it("propagates a driver's StepTools failure instead of calling it a node failure", async () => {
    const { registry, plan } = chain(2);
    const tools = createMemoryStepTools();
    const broken = {
      ...tools,
      run: () => Promise.reject(new Error("journal unavailable")),
    };
    await expect(
      run(plan, null, { registry, tools: broken as typeof tools }),
    ).rejects.toThrow("journal unavailable");
  });
});
