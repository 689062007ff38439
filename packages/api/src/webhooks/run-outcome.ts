import type { DatabaseHandle } from "@trellis/db";
import { logger } from "@trellis/config/logger";
import { executesUnfinishedHere, getRunEventBus, sqlForHandle, type RunOutcomeSnapshot } from "@trellis/runtime";
import { statement } from "./delivery-store";

/** How a run ended, as a result-mode answer needs it. */
export type RunOutcome = RunOutcomeSnapshot;

const selectOutcome = statement(
  "webhook_run_outcome",
  `SELECT status, output, error FROM runs WHERE id = $1 AND workspace_id = $2 AND status IN ('succeeded', 'failed', 'cancelled')`,
);

/**
 * Waits until the run finishes, up to `timeoutMs`; null when it did not (or
 * when reading it failed: the run was accepted, so the caller answers 202).
 * Subscribes to the run event bus before the first read, so a run finishing
 * in between is not missed; after that only the notice of the event that
 * ended the run triggers a read (the steps before it cost none), and notices
 * that arrive during a read coalesce into one more. A run finished by this
 * process needs no read: its notice carries the outcome. So a run executing
 * here (a delivery's run its worker took as it was created) costs no read at
 * all: its notice comes after the subscription.
 */
export function waitForRunOutcome(handle: DatabaseHandle, ref: { workspaceId: string; runId: string }, timeoutMs: number): Promise<RunOutcome | null> {
  const sql = sqlForHandle(handle);
  const bus = getRunEventBus(handle);
  return new Promise((resolve) => {
    let settled = false;
    let reading = false;
    let again = false;
    const settle = (outcome: RunOutcome | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(outcome);
    };
    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const [row] = await sql.query<RunOutcome>(selectOutcome, [ref.runId, ref.workspaceId]);
          if (row) return settle({ status: row.status, output: row.output ?? null, error: row.error ?? null });
        } while (again && !settled);
      } catch (error) {
        logger().error({ err: error, runId: ref.runId }, "reading a webhook run's outcome failed; answering 202");
        settle(null);
      } finally {
        reading = false;
      }
    };
    const unsubscribe = bus.subscribe({ runId: ref.runId }, (notice) => {
      // The process that finished the run says how (nothing to read); another one's notice is read after.
      if (notice.outcome) settle(notice.outcome);
      else if (notice.finished) void read();
    });
    const timer = setTimeout(() => settle(null), timeoutMs);
    if (executesUnfinishedHere(sql.scope, ref.runId)) return;
    // Other processes' events arrive once the bus listens; read once it does (or could not).
    void bus.ready().then(read, read);
  });
}
