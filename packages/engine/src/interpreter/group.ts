import type { Json } from "../json";
import type { CollectorBranch } from "../nodes/loop-collector";
import { ERROR_HANDLE } from "../nodes/types";
import { runNode, type NodeOutcome } from "./node-runner";
import type { Run } from "./run";
import type { REdge, RGroup, RNode } from "./runtime-plan";
import type { Scope } from "./scope";

type Arrival = { order: number; source: string; output: Json };
type Exit = { order: number; value: Json };

/**
 * One instance of a group: the top level, or one item of a splitter branch.
 * Each member waits for its incoming edges to be resolved (taken or skipped);
 * it runs if any was taken, and is skipped (skipping its own edges) otherwise.
 * Counters make this O(edges) per instance.
 */
export class GroupInstance {
  private readonly remaining: Int32Array;
  private readonly live: Uint8Array;
  private readonly arrivals: (Arrival[] | undefined)[];
  private resolved = 0;
  /** Per collector closing this branch: the value this item hands it. */
  readonly exits = new Map<string, Exit>();
  private markDone!: () => void;
  readonly finished = new Promise<void>((resolve) => (this.markDone = resolve));

  constructor(
    private readonly run: Run,
    private readonly group: RGroup,
    readonly scope: Scope,
  ) {
    const size = group.members.length;
    this.remaining = new Int32Array(size);
    for (let i = 0; i < size; i++)
      this.remaining[i] = (group.members[i] as RNode).waitCount;
    this.live = new Uint8Array(size);
    this.arrivals = new Array<Arrival[] | undefined>(size);
  }

  start(): void {
    if (this.group.splitter) {
      const item = this.scope.item ?? null;
      for (const edge of this.group.entries) {
        if (edge.kind === "entry-exit") this.exit(edge, item);
        else
          this.arrive(
            edge.target,
            true,
            edge.targetOrder,
            edge.source.id,
            item,
          );
      }
    } else {
      for (const node of this.group.members)
        if (node.waitCount === 0) this.ready(node);
    }
    if (this.group.members.length === 0) this.markDone();
  }

  private arrive(
    target: RNode,
    taken: boolean,
    order: number,
    source: string,
    output: Json,
  ): void {
    const slot = target.slot;
    if (taken) {
      this.live[slot] = 1;
      const list = this.arrivals[slot];
      if (list) list.push({ order, source, output });
      else this.arrivals[slot] = [{ order, source, output }];
    }
    const left = (this.remaining[slot] as number) - 1;
    this.remaining[slot] = left;
    if (left === 0) this.ready(target);
  }

  private exit(edge: REdge, value: Json): void {
    const current = this.exits.get(edge.target.id);
    if (!current || edge.targetOrder < current.order)
      this.exits.set(edge.target.id, { order: edge.targetOrder, value });
  }

  private ready(node: RNode): void {
    if (this.run.halt) return;
    if (this.live[node.slot] || node.role === "trigger") this.launch(node);
    else this.skip(node);
  }

  private launch(node: RNode): void {
    let input: Json = this.run.input;
    const inputs: Record<string, Json> = {};
    if (node.role !== "trigger") {
      const arrivals = this.arrivals[node.slot] ?? [];
      this.arrivals[node.slot] = undefined;
      if (arrivals.length > 1) arrivals.sort((a, b) => a.order - b.order);
      input = arrivals[0]?.output ?? null;
      for (const arrival of arrivals)
        if (!(arrival.source in inputs))
          inputs[arrival.source] = arrival.output;
    }
    const base = node.id + this.scope.suffix;
    this.run.track(
      runNode(this.run, {
        node,
        scope: this.scope,
        baseStepId: base,
        input,
        inputs,
      }),
      (outcome) => this.settle(node, outcome),
    );
  }

  private skip(node: RNode): void {
    if (this.run.observed)
      this.run.emit({
        type: "node.skipped",
        nodeId: node.id,
        stepId: node.id + this.scope.suffix,
      });
    this.route(node, [], null);
    for (const collector of node.collectors)
      this.arrive(collector, false, 0, node.id, null);
    this.resolveOne();
  }

  private settle(node: RNode, outcome: NodeOutcome): void {
    if (outcome.kind === "failed") {
      this.run.fail(node.id, outcome.stepId, outcome.error);
      return;
    }
    if (outcome.kind === "continued") {
      this.scope.set(node.id, { output: outcome.output, error: outcome.error });
      this.route(node, [ERROR_HANDLE], outcome.output);
      for (const collector of node.collectors)
        this.arrive(collector, false, 0, node.id, null);
      this.resolveOne();
      return;
    }
    this.scope.set(node.id, { output: outcome.output });
    if (node.def.compensation !== null) {
      this.run.completed.push({
        node,
        stepId: node.id + this.scope.suffix,
        scope: this.scope,
        output: outcome.output,
        finishedAt: outcome.finishedAt,
      });
    }
    if (node.role === "splitter") {
      this.route(node, outcome.handles, outcome.output);
      this.runBranches(
        node,
        Array.isArray(outcome.output) ? outcome.output : [],
      );
      return;
    }
    this.route(node, outcome.handles, outcome.output);
    this.resolveOne();
  }

  /** Resolves the node's edges within this instance; branch-entry edges belong to the branch instances. */
  private route(
    node: RNode,
    handles: readonly string[] | null,
    output: Json,
  ): void {
    for (const edge of node.out) {
      if (edge.kind === "entry" || edge.kind === "entry-exit") continue;
      const taken =
        handles === null
          ? edge.sourceHandle !== ERROR_HANDLE
          : handles.includes(edge.sourceHandle);
      if (edge.kind === "normal")
        this.arrive(edge.target, taken, edge.targetOrder, node.id, output);
      else if (taken) this.exit(edge, output);
    }
  }

  private resolveOne(): void {
    if (++this.resolved === this.group.members.length) this.markDone();
  }

  /** Runs one branch instance per item, at most `maxParallel` at once, then hands collectors the results in item order. */
  private runBranches(splitter: RNode, items: Json[]): void {
    const body = splitter.bodyGroup as RGroup;
    const instances = new Array<GroupInstance>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length && !this.run.halt) {
        const index = next++;
        const instance = new GroupInstance(
          this.run,
          body,
          this.scope.child(index, items[index] as Json),
        );
        instances[index] = instance;
        instance.start();
        await instance.finished;
      }
    };
    const workers = Array.from(
      { length: Math.min(splitter.maxParallel, items.length) },
      worker,
    );
    Promise.all(workers)
      .then(() => {
        if (this.run.halt) return;
        for (const collector of splitter.collectors) {
          const branches: CollectorBranch[] = instances.map(
            (instance, index) => {
              const exit = instance.exits.get(collector.id);
              return {
                index,
                reached: exit !== undefined,
                value: exit?.value ?? null,
              };
            },
          );
          this.arrive(collector, true, 0, splitter.id, { branches });
        }
        this.resolveOne();
      })
      .catch((error: unknown) => this.run.interrupt(error));
  }
}
