import { performance } from "node:perf_hooks";
import {
  compile,
  createMemoryStepTools,
  execute,
  type ExecutionPlan,
  type WorkflowDefinitionInput,
} from "@trellis/engine";

// Measures interpreter overhead per node with in-memory StepTools: there is no
// I/O, so the time per node is what the engine itself (scheduling, step ids,
// envelopes, journaling into a Map) costs.

const WARMUP = 5;
const ITERATIONS = 25;

function chainDefinition(length: number): WorkflowDefinitionInput {
  const nodes = [
    { id: "t", type: "trigger.manual" },
    ...Array.from({ length: length - 1 }, (_, i) => ({
      id: `n${i}`,
      type: "noop",
    })),
  ];
  const edges = nodes
    .slice(1)
    .map((node, i) => ({
      id: `e${i}`,
      source: (nodes[i] as { id: string }).id,
      target: node.id,
    }));
  return { schemaVersion: 1, nodes, edges };
}

function splitterDefinition(): WorkflowDefinitionInput {
  return {
    schemaVersion: 1,
    settings: { maxParallelism: 50 },
    nodes: [
      { id: "t", type: "trigger.manual" },
      {
        id: "each",
        type: "loop.splitter",
        config: { items: "trigger.items", maxParallel: 50 },
      },
      { id: "work", type: "noop" },
      { id: "collect", type: "loop.collector" },
    ],
    edges: [
      { id: "e1", source: "t", target: "each" },
      { id: "e2", source: "each", target: "work" },
      { id: "e3", source: "work", target: "collect" },
    ],
  };
}

function planOf(definition: WorkflowDefinitionInput): ExecutionPlan {
  const result = compile(definition);
  if (!result.ok)
    throw new Error(
      `benchmark workflow does not compile: ${JSON.stringify(result.problems)}`,
    );
  return result.plan;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

// CPU time is reported next to wall time: on a shared 2-core machine other
// processes inflate wall time, while CPU time is what the engine itself spent.
async function runOnce(
  plan: ExecutionPlan,
  input: unknown,
  expectedSteps: number,
): Promise<Sample> {
  const tools = createMemoryStepTools();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await execute({
    plan,
    input: input as never,
    tools,
    context: {
      run: { id: "bench", attempt: 1, startedAt: new Date().toISOString() },
    },
  });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (result.status !== "succeeded")
    throw new Error(`benchmark run failed: ${JSON.stringify(result)}`);
  if (tools.executed.length !== expectedSteps)
    throw new Error(
      `expected ${expectedSteps} steps, ran ${tools.executed.length}`,
    );
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measure(
  name: string,
  plan: ExecutionPlan,
  input: unknown,
  nodeExecutions: number,
) {
  for (let i = 0; i < WARMUP; i++) await runOnce(plan, input, nodeExecutions);
  const samples: Sample[] = [];
  for (let i = 0; i < ITERATIONS; i++)
    samples.push(await runOnce(plan, input, nodeExecutions));
  const medianMs = median(samples.map((s) => s.wallMs));
  const minMs = Math.min(...samples.map((s) => s.wallMs));
  const cpuMs = median(samples.map((s) => s.cpuMs));
  const perNodeUs = (medianMs * 1000) / nodeExecutions;
  const cpuPerNodeUs = (cpuMs * 1000) / nodeExecutions;
  console.log(
    `${name}: ${nodeExecutions} node executions; median wall ${medianMs.toFixed(2)} ms (min ${minMs.toFixed(2)}), median CPU ${cpuMs.toFixed(2)} ms over ${ITERATIONS} runs -> ${perNodeUs.toFixed(2)} µs/node wall, ${cpuPerNodeUs.toFixed(2)} µs/node CPU`,
  );
  const round = (n: number) => Number(n.toFixed(3));
  return {
    perNodeUs: round(perNodeUs),
    cpuPerNodeUs: round(cpuPerNodeUs),
    minPerNodeUs: round((minMs * 1000) / nodeExecutions),
    medianMs: round(medianMs),
    nodes: nodeExecutions,
    iterations: ITERATIONS,
  };
}

const chain = await measure(
  "chain1000",
  planOf(chainDefinition(1000)),
  { hello: "world" },
  1000,
);
const items = Array.from({ length: 1000 }, (_, i) => ({ i }));
// trigger + splitter + 1,000 branch nodes + collector
const splitter = await measure(
  "splitter1000 (maxParallel 50)",
  planOf(splitterDefinition()),
  { items },
  1003,
);
const target = 50;
console.log(
  `target: < ${target} µs/node -> ${chain.perNodeUs < target && splitter.perNodeUs < target ? "met" : "MISSED"}`,
);
console.log(
  JSON.stringify({
    chain1000: chain,
    splitter1000: splitter,
    targetUs: target,
  }),
);
