import { describe, expect, it } from "vitest";
import { workflow } from "../testing/workflow";
import { compile } from "./compile";
import type { Problem } from "./problems";

function problems(definition: unknown): Problem[] {
  return compile(definition).problems;
}

function codes(definition: unknown): string[] {
  return problems(definition).map((p) => p.code);
}

const trigger = { id: "t", type: "trigger.manual" };

describe("compile: problems", () => {
  it("rejects a definition that is not a workflow", () => {
    const result = compile({
      schemaVersion: 1,
      nodes: [{ id: "bad id!", type: "noop" }],
    });
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({
      code: "invalid_definition",
      path: ["nodes", 0, "id"],
      nodeId: "bad id!",
    });
    expect(codes({ schemaVersion: 2, nodes: [] })).toEqual([
      "invalid_definition",
    ]);
  });

  it("reports duplicate node and edge ids", () => {
    const def = workflow(
      [trigger, { id: "a", type: "noop" }, { id: "a", type: "noop" }],
      [
        { id: "x", source: "t", target: "a" },
        { id: "x", source: "t", target: "a" },
      ],
    );
    expect(problems(def)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "duplicate_node_id", nodeId: "a" }),
        expect.objectContaining({ code: "duplicate_edge_id", edgeId: "x" }),
      ]),
    );
  });

  it("reports an unknown node type on the node", () => {
    expect(
      problems(workflow([trigger, { id: "a", type: "nope" }], [["t", "a"]])),
    ).toContainEqual(
      expect.objectContaining({
        severity: "error",
        code: "unknown_node_type",
        nodeId: "a",
        path: ["type"],
      }),
    );
  });

  it("reports config that fails its schema with a JSON path into the config", () => {
    const def = workflow(
      [
        trigger,
        {
          id: "h",
          type: "http.request",
          config: {
            url: "https://example.com",
            method: "FETCH",
            timeoutMs: -1,
          },
        },
      ],
      [["t", "h"]],
    );
    const found = problems(def).filter((p) => p.code === "invalid_config");
    expect(found.map((p) => p.path)).toEqual(
      expect.arrayContaining([["method"], ["timeoutMs"]]),
    );
    expect(found.every((p) => p.nodeId === "h")).toBe(true);
  });

  it("reports invalid JSONata in templates and raw expression fields", () => {
    const def = workflow(
      [
        trigger,
        { id: "x", type: "transform", config: { expression: "a +" } },
        {
          id: "h",
          type: "http.request",
          config: {
            url: "https://x.test/{{ trigger.( }}",
            headers: { a: "{{ 1 + }}" },
          },
        },
        {
          id: "s",
          type: "switch",
          config: { cases: [{ id: "one", expression: "((" }] },
        },
      ],
      [
        ["t", "x"],
        ["x", "h"],
        ["h", "s"],
      ],
    );
    const found = problems(def).filter((p) => p.code === "invalid_expression");
    expect(found.map((p) => [p.nodeId, p.path])).toEqual(
      expect.arrayContaining([
        ["x", ["expression"]],
        ["h", ["url"]],
        ["h", ["headers", "a"]],
        ["s", ["cases", 0, "expression"]],
      ]),
    );
  });

  it("requires exactly one trigger", () => {
    expect(codes(workflow([{ id: "a", type: "noop" }], []))).toContain(
      "missing_trigger",
    );
    const two = problems(
      workflow([trigger, { id: "t2", type: "trigger.webhook" }], []),
    );
    expect(two).toContainEqual(
      expect.objectContaining({ code: "multiple_triggers", nodeId: "t2" }),
    );
  });

  it("reports edges to missing nodes", () => {
    const found = problems(
      workflow([trigger], [{ id: "e", source: "t", target: "ghost" }]),
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        code: "dangling_edge",
        edgeId: "e",
        path: ["target"],
      }),
    );
    expect(
      problems(
        workflow([trigger], [{ id: "f", source: "ghost", target: "t" }]),
      ),
    ).toContainEqual(
      expect.objectContaining({
        code: "dangling_edge",
        edgeId: "f",
        path: ["source"],
      }),
    );
  });

  it("reports edges from or to handles that do not exist", () => {
    const def = workflow(
      [
        trigger,
        { id: "c", type: "condition", config: { expression: "true" } },
        { id: "a", type: "noop" },
        { id: "b", type: "noop" },
      ],
      [
        { id: "e1", source: "t", target: "c" },
        { id: "e2", source: "c", sourceHandle: "maybe", target: "a" },
        { id: "e3", source: "c", target: "b" },
        { id: "e4", source: "a", target: "b", targetHandle: "side" },
        { id: "e5", source: "a", target: "t" },
      ],
    );
    const found = problems(def).filter((p) => p.code === "unknown_handle");
    expect(found.map((p) => [p.edgeId, p.path])).toEqual([
      ["e2", ["sourceHandle"]],
      ["e3", ["sourceHandle"]],
      ["e4", ["targetHandle"]],
      ["e5", ["targetHandle"]],
    ]);
  });

  it("accepts switch case handles and rejects others", () => {
    const def = (handle: string) =>
      workflow(
        [
          trigger,
          {
            id: "s",
            type: "switch",
            config: { cases: [{ id: "big", expression: "true" }] },
          },
          { id: "a", type: "noop" },
        ],
        [
          ["t", "s"],
          ["s", "a", handle],
        ],
      );
    expect(compile(def("big")).ok).toBe(true);
    expect(compile(def("default")).ok).toBe(true);
    expect(codes(def("small"))).toContain("unknown_handle");
  });

  it("reports every node on a cycle", () => {
    const def = workflow(
      [
        trigger,
        { id: "a", type: "noop" },
        { id: "b", type: "noop" },
        { id: "c", type: "noop" },
        { id: "d", type: "noop" },
      ],
      [
        ["t", "a"],
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
        ["c", "d"],
        ["d", "d"],
      ],
    );
    const cyclic = problems(def)
      .filter((p) => p.code === "cycle")
      .map((p) => p.nodeId);
    expect(cyclic.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("warns about nodes no trigger reaches and leaves them out of the plan", () => {
    const result = compile(
      workflow(
        [
          trigger,
          { id: "a", type: "noop" },
          { id: "lost", type: "noop" },
          { id: "b", type: "noop" },
        ],
        [
          ["t", "a"],
          ["lost", "b"],
          ["a", "b"],
        ],
      ),
    );
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "unreachable_node",
        nodeId: "lost",
      }),
    ]);
    if (!result.ok) return;
    expect(result.plan.order).toEqual(["t", "a", "b"]);
    // The edge from the unreachable node must not hold b back.
    expect(result.plan.nodes.b?.waitCount).toBe(1);
  });

  it("reports a collector with no splitter upstream", () => {
    expect(
      problems(
        workflow([trigger, { id: "c", type: "loop.collector" }], [["t", "c"]]),
      ),
    ).toContainEqual(
      expect.objectContaining({
        code: "collector_without_splitter",
        nodeId: "c",
      }),
    );
  });

  it("reports a node reached from inside and outside a for-each branch", () => {
    const def = workflow(
      [
        trigger,
        { id: "s", type: "loop.splitter", config: { items: "[1,2]" } },
        { id: "a", type: "noop" },
        { id: "j", type: "noop" },
      ],
      [
        ["t", "s"],
        ["s", "a"],
        ["a", "j"],
        ["t", "j"],
      ],
    );
    expect(problems(def)).toContainEqual(
      expect.objectContaining({ code: "scope_mismatch", nodeId: "j" }),
    );
  });

  it("checks compensation references", () => {
    const base = [trigger, { id: "a", type: "noop", compensation: "undo" }];
    expect(problems(workflow(base, [["t", "a"]]))).toContainEqual(
      expect.objectContaining({
        code: "invalid_compensation",
        nodeId: "a",
        path: ["compensation"],
      }),
    );
    const wired = workflow(
      [...base, { id: "undo", type: "noop" }],
      [
        ["t", "a"],
        ["a", "undo"],
      ],
    );
    expect(problems(wired)).toContainEqual(
      expect.objectContaining({ code: "invalid_compensation", nodeId: "undo" }),
    );
    const ok = compile(
      workflow([...base, { id: "undo", type: "noop" }], [["t", "a"]]),
    );
    expect(ok.ok && ok.problems).toEqual([]);
  });

  it("warns when an error handle is wired without continueOnFail", () => {
    const def = workflow(
      [trigger, { id: "a", type: "noop" }, { id: "b", type: "noop" }],
      [
        ["t", "a"],
        ["a", "b", "error"],
      ],
    );
    expect(problems(def)).toContainEqual(
      expect.objectContaining({
        severity: "warning",
        code: "unused_error_handle",
        edgeId: "e1-a-b",
      }),
    );
  });
});

describe("compile: plan", () => {
  const def = workflow(
    [
      trigger,
      { id: "c", type: "condition", config: { expression: "trigger.ok" } },
      { id: "yes", type: "noop" },
      { id: "no", type: "noop" },
      { id: "join", type: "noop" },
      {
        id: "each",
        type: "loop.splitter",
        config: { items: "[1,2,3]", maxParallel: 2 },
      },
      { id: "work", type: "transform", config: { expression: "item * 2" } },
      { id: "collect", type: "loop.collector" },
      { id: "end", type: "noop" },
    ],
    [
      ["t", "c"],
      ["c", "yes", "true"],
      ["c", "no", "false"],
      ["yes", "join"],
      ["no", "join"],
      ["join", "each"],
      ["each", "work"],
      ["work", "collect"],
      ["collect", "end"],
    ],
  );

  it("holds a topological order, predecessors, resolved handles, scopes and terminals", () => {
    const result = compile(def);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { plan } = result;
    expect(plan.order).toEqual([
      "t",
      "c",
      "yes",
      "no",
      "join",
      "each",
      "work",
      "collect",
      "end",
    ]);
    expect(plan.predecessors.join).toEqual(["yes", "no"]);
    expect(
      plan.edges.map((e) => [e.source, e.sourceHandle, e.target, e.kind]),
    ).toEqual([
      ["t", "out", "c", "normal"],
      ["c", "true", "yes", "normal"],
      ["c", "false", "no", "normal"],
      ["yes", "out", "join", "normal"],
      ["no", "out", "join", "normal"],
      ["join", "out", "each", "normal"],
      ["each", "item", "work", "entry"],
      ["work", "out", "collect", "exit"],
      ["collect", "out", "end", "normal"],
    ]);
    expect(plan.groups).toEqual([
      {
        index: 0,
        splitter: null,
        members: ["t", "c", "yes", "no", "join", "each", "collect", "end"],
      },
      { index: 1, splitter: "each", members: ["work"] },
    ]);
    expect(plan.nodes.collect).toMatchObject({
      closes: "each",
      waitCount: 1,
      group: 0,
    });
    expect(plan.nodes.each).toMatchObject({
      collectors: ["collect"],
      bodyGroup: 1,
    });
    expect(plan.terminals).toEqual(["end"]);
  });

  it("is plain JSON and deterministic", () => {
    const a = compile(def);
    const b = compile(JSON.parse(JSON.stringify(def)));
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(JSON.parse(JSON.stringify(a.plan))).toEqual(a.plan);
    expect(JSON.stringify(a.plan)).toBe(JSON.stringify(b.plan));
  });

  it("merges node retry overrides over the settings' policy", () => {
    const result = compile(
      workflow(
        [
          trigger,
          { id: "a", type: "noop", retry: { maxAttempts: 5 }, timeoutMs: 10 },
        ],
        [["t", "a"]],
        { retry: { initialDelayMs: 7 }, nodeTimeoutMs: 99 },
      ),
    );
    if (!result.ok) throw new Error("should compile");
    expect(result.plan.nodes.a).toMatchObject({
      retry: {
        maxAttempts: 5,
        initialDelayMs: 7,
        backoffFactor: 2,
        maxDelayMs: 60_000,
      },
      timeoutMs: 10,
    });
    expect(result.plan.nodes.t).toMatchObject({
      retry: { maxAttempts: 3, initialDelayMs: 7 },
      timeoutMs: 99,
    });
  });
});
