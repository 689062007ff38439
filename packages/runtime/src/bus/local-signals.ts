import { EventEmitter } from "node:events";
import type { RunEventNotice } from "./channels";

interface SignalMap {
  runEvents: [notices: RunEventNotice[]];
  runsQueued: [];
  runControl: [runIds: string[]];
}

declare global {
  var __trellisRuntimeSignals: EventEmitter<SignalMap> | undefined;
}

/**
 * The in-process fast path: what the runtime also announces through
 * PostgreSQL notifications, delivered to this process's own listeners at
 * once. Kept on globalThis because Next.js loads instrumentation and route
 * handlers as separate module graphs in one process.
 */
export function localSignals(): EventEmitter<SignalMap> {
  if (!globalThis.__trellisRuntimeSignals) {
    const emitter = new EventEmitter<SignalMap>();
    // Every worker, bus and SSE stream of the process listens here.
    emitter.setMaxListeners(0);
    globalThis.__trellisRuntimeSignals = emitter;
  }
  return globalThis.__trellisRuntimeSignals;
}

export function announceRunEvents(notices: RunEventNotice[]): void {
  if (notices.length > 0) localSignals().emit("runEvents", notices);
}

export function announceRunsQueued(): void {
  localSignals().emit("runsQueued");
}

export function announceRunControl(runIds: string[]): void {
  if (runIds.length > 0) localSignals().emit("runControl", runIds);
}
