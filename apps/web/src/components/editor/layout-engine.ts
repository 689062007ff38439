"use client";

import type { ELK, ElkNode } from "elkjs/lib/elk-api";

let engine: Promise<ELK> | null = null;

async function createEngine(): Promise<ELK> {
  if (typeof Worker !== "undefined") {
    try {
      const { default: ElkApi } = await import("elkjs/lib/elk-api.js");
      return new ElkApi({ workerFactory: () => new Worker(new URL("./layout.worker.ts", import.meta.url)) });
    } catch {
      // No worker: lay out on the main thread below.
    }
  }
  const { default: Elk } = await import("elkjs/lib/elk.bundled.js");
  return new Elk();
}

/** The layout engine, started on first use (or ahead of it, by a prefetch) and kept for the session. */
export function layoutEngine(): Promise<ELK> {
  engine ??= createEngine();
  return engine;
}

/**
 * What a layered layout depends on: options, node ids, sizes and ports, and
 * edges. Input positions are not part of it (the graph carries none, and the
 * layered algorithm's default strategies ignore them), so two graphs with the
 * same key get the same layout.
 */
function layoutKey(graph: ElkNode): string {
  return JSON.stringify([
    graph.layoutOptions,
    (graph.children ?? []).map((c) => [c.id, c.width, c.height, c.layoutOptions, (c.ports ?? []).map((p) => [p.id, p.layoutOptions])]),
    (graph.edges ?? []).map((e) => [e.id, e.sources, e.targets]),
  ]);
}

/** Recent layouts by key: a few are enough to serve "prefetch, then click" and undo/redo back to a laid-out graph. */
const recent = new Map<string, Promise<ElkNode>>();
const RECENT_LAYOUTS = 3;

/**
 * Lays a graph out in the ELK worker, so a 500-node layout never freezes the
 * canvas. A graph laid out (or being laid out) before answers from memory.
 */
export function runLayout(graph: ElkNode): Promise<ElkNode> {
  const key = layoutKey(graph);
  const known = recent.get(key);
  if (known) return known;
  const result = layoutEngine().then((elk) => elk.layout(graph));
  recent.set(key, result);
  // A failed layout is not remembered: the next request tries again.
  result.catch(() => recent.delete(key));
  while (recent.size > RECENT_LAYOUTS) recent.delete(recent.keys().next().value as string);
  return result;
}

/**
 * Starts laying a graph out in the background (the worker, off the main
 * thread), so that pressing "Auto layout" on an unchanged workflow answers at
 * once; the editor asks for it when a large workflow has settled and when the
 * pointer or focus reaches the button.
 */
export function prefetchLayout(graph: ElkNode): void {
  runLayout(graph).catch(() => undefined);
}
