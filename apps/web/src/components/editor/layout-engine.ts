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

/** The layout engine, started on first use (or ahead of it, on hover) and kept for the session. */
export function layoutEngine(): Promise<ELK> {
  engine ??= createEngine();
  return engine;
}

/** Lays a graph out in the ELK worker, so a 500-node layout never freezes the canvas. */
export async function runLayout(graph: ElkNode): Promise<ElkNode> {
  return (await layoutEngine()).layout(graph);
}

let warmed: Promise<unknown> | null = null;

/**
 * Loads the engine and lays out a small graph once, so the first real layout
 * does not also pay for starting the worker and warming ELK up.
 */
export function warmLayoutEngine(): Promise<unknown> {
  warmed ??= runLayout({
    id: "warm-up",
    layoutOptions: { "elk.algorithm": "layered", "elk.direction": "RIGHT" },
    children: Array.from({ length: 30 }, (_, i) => ({ id: `n${i}`, width: 240, height: 80 })),
    edges: Array.from({ length: 29 }, (_, i) => ({ id: `e${i}`, sources: [`n${i}`], targets: [`n${i + 1}`] })),
  }).catch(() => undefined);
  return warmed;
}
