"use client";

import { useEffect, useState } from "react";
import { statusLabel, type RunStatus } from "./lib/run-format";
// The badge is used outside the runs pages too (the workflows list): it brings its styles.
import "./runs.css";

/** A run's status as a coloured badge (the colour is never the only signal: the word is there too). */
export function RunStatusBadge({ status, pausing }: { status: RunStatus; pausing?: boolean }) {
  return (
    <span className={`badge run-status ${status}`} data-status={status}>
      <span className="run-status-dot" aria-hidden />
      {pausing && status === "running" ? "Pausing…" : statusLabel[status]}
    </span>
  );
}

/** The current time, refreshed every `intervalMs` while `live` (for durations that are still growing). */
export function useNow(live: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [live, intervalMs]);
  return now;
}
