let last = 0;

/**
 * When a step starts or ends: wall-clock milliseconds, strictly increasing
 * within the process (steps in the same millisecond get microsecond steps
 * apart), so a run's steps sort in the order they ran even when two start in
 * the same millisecond and are journaled in one commit.
 */
export function stepClock(): number {
  const now = Date.now();
  last = now > last ? now : last + 0.001;
  return last;
}
