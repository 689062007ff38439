import {
  WorkflowDefinitionSchema,
  type WorkflowDefinition,
} from "../definition/schema";
import { defaultRegistry, type NodeRegistry } from "../nodes/registry";
import { buildPlan, roleOf } from "./build-plan";
import {
  checkCompensations,
  checkEdges,
  checkTriggers,
  definitionProblems,
  warnUnusedErrorHandles,
} from "./checks";
import { checkNode, type CheckedNode } from "./config";
import { findCycles, reachableFrom, topologicalOrder } from "./graph";
import type { ExecutionPlan, NodeRole } from "./plan";
import { ProblemList, type Problem } from "./problems";
import { assignScopes } from "./scopes";

export type CompileResult =
  | {
      ok: true;
      plan: ExecutionPlan;
      definition: WorkflowDefinition;
      problems: Problem[];
    }
  | { ok: false; problems: Problem[] };

/**
 * Validates a definition against the registry and, when it has no errors,
 * returns a plan (plain JSON, deterministic for a given definition and registry).
 * Warnings come back with the plan.
 */
export function compile(
  input: unknown,
  registry: NodeRegistry = defaultRegistry(),
): CompileResult {
  const parsed = WorkflowDefinitionSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, problems: definitionProblems(parsed.error, input) };
  const definition = parsed.data;
  const problems = new ProblemList();

  const nodes = new Map<string, CheckedNode>();
  definition.nodes.forEach((node, index) => {
    if (nodes.has(node.id)) {
      problems.error(
        "duplicate_node_id",
        `node id "${node.id}" is used more than once`,
        { nodeId: node.id, path: ["id"] },
      );
      return;
    }
    nodes.set(
      node.id,
      checkNode(node, index, registry.get(node.type), problems),
    );
  });

  const edges = checkEdges(definition, nodes, problems);
  const triggerId = checkTriggers(nodes, problems);
  const compensators = checkCompensations(nodes, edges, problems);

  const ids = [...nodes.keys()];
  const adjacency = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const edge of edges) adjacency.get(edge.source)?.push(edge.target);
  const cycles = findCycles(ids, adjacency);
  for (const cycle of cycles) {
    for (const id of cycle) {
      problems.error(
        "cycle",
        `"${id}" is on a cycle (${[...cycle, cycle[0]].join(" -> ")}); use a for-each loop to repeat work`,
        { nodeId: id },
      );
    }
  }
  warnUnusedErrorHandles(nodes, edges, problems);

  if (triggerId === null) return { ok: false, problems: problems.items };
  const reachable = reachableFrom(triggerId, adjacency);
  for (const id of ids) {
    if (!reachable.has(id) && !compensators.has(id)) {
      problems.warning(
        "unreachable_node",
        `no trigger reaches "${id}"; it will never run`,
        { nodeId: id },
      );
    }
  }
  if (cycles.length > 0 || problems.hasErrors)
    return { ok: false, problems: problems.items };

  const liveEdges = edges.filter(
    (e) => reachable.has(e.source) && reachable.has(e.target),
  );
  const liveAdjacency = new Map<string, string[]>(
    [...reachable].map((id) => [id, []]),
  );
  for (const edge of liveEdges)
    liveAdjacency.get(edge.source)?.push(edge.target);
  const order = topologicalOrder(
    ids.filter((id) => reachable.has(id)),
    liveAdjacency,
  );
  const roles = new Map<string, NodeRole>();
  for (const id of order)
    roles.set(id, roleOf(nodes.get(id) as CheckedNode, id === triggerId));
  const scopes = assignScopes(order, liveEdges, roles, problems);
  if (problems.hasErrors) return { ok: false, problems: problems.items };

  const plan = buildPlan(
    definition,
    nodes,
    order,
    liveEdges,
    roles,
    scopes,
    compensators,
    triggerId,
  );
  return { ok: true, plan, definition, problems: problems.items };
}
