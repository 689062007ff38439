import type { WorkflowDefinition } from "./types";

/**
 * Autosave of the draft: a change is sent `delayMs` after the last one, one
 * save at a time, each with the revision the previous save answered
 * (optimistic concurrency). A stale revision is a conflict: saving stops
 * until the user reloads or overwrites.
 */
export type SaveStatus = "saved" | "unsaved" | "saving" | "error" | "conflict";

export interface SaverSnapshot {
  status: SaveStatus;
  revision: number;
  /** The draft differs from the latest published version (as the server last said). */
  hasUnpublishedChanges: boolean;
  /** Why the last save failed (status "error"). */
  error: string | null;
  /** The server's revision after a conflict, when it said. */
  conflictRevision: number | null;
}

export interface SaveResult {
  revision: number;
  hasUnpublishedChanges: boolean;
}

export interface SaverOptions {
  revision: number;
  definition: WorkflowDefinition;
  hasUnpublishedChanges: boolean;
  send: (change: { definition?: WorkflowDefinition; name?: string }, expectedRevision: number) => Promise<SaveResult>;
  /** The server's current revision if `error` is a conflict, else undefined (null when it did not say). */
  conflictOf: (error: unknown) => number | null | undefined;
  messageOf: (error: unknown) => string;
  delayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class DraftSaver {
  private saved: WorkflowDefinition;
  private latest: WorkflowDefinition;
  private inFlight: Promise<void> | null = null;
  private timer: unknown = null;
  private snapshot: SaverSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly delayMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: SaverOptions) {
    this.saved = options.definition;
    this.latest = options.definition;
    this.delayMs = options.delayMs ?? 800;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.snapshot = { status: "saved", revision: options.revision, hasUnpublishedChanges: options.hasUnpublishedChanges, error: null, conflictRevision: null };
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SaverSnapshot => this.snapshot;

  get revision(): number {
    return this.snapshot.revision;
  }

  get dirty(): boolean {
    return this.latest !== this.saved;
  }

  private set(patch: Partial<SaverSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  private statusNow(): SaveStatus {
    if (this.snapshot.status === "conflict") return "conflict";
    if (this.inFlight) return "saving";
    return this.dirty ? "unsaved" : "saved";
  }

  /** The editor's current draft; schedules a save when it differs from what the server has. */
  update(definition: WorkflowDefinition) {
    this.latest = definition;
    if (this.snapshot.status === "conflict") return;
    if (this.snapshot.status !== "error" || !this.dirty) this.set({ status: this.statusNow(), error: this.dirty ? this.snapshot.error : null });
    this.schedule();
  }

  private schedule() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (!this.dirty || this.snapshot.status === "conflict") return;
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.save();
    }, this.delayMs);
  }

  private async save(extra: { name?: string } = {}): Promise<void> {
    if (this.inFlight) {
      await this.inFlight;
      if (!this.dirty && extra.name === undefined) return;
    }
    if (this.snapshot.status === "conflict") return;
    if (!this.dirty && extra.name === undefined) return;
    const definition = this.latest;
    const change = { ...(this.dirty ? { definition } : {}), ...extra };
    const run = (async () => {
      this.set({ status: "saving" });
      try {
        const result = await this.options.send(change, this.snapshot.revision);
        if (change.definition) this.saved = definition;
        this.set({ revision: result.revision, hasUnpublishedChanges: result.hasUnpublishedChanges, error: null });
      } catch (error) {
        const conflict = this.options.conflictOf(error);
        if (conflict !== undefined) this.set({ status: "conflict", conflictRevision: conflict, error: null });
        else this.set({ status: "error", error: this.options.messageOf(error) });
        throw error;
      } finally {
        this.inFlight = null;
      }
    })();
    this.inFlight = run.catch(() => undefined);
    try {
      await run;
    } catch {
      return;
    }
    this.set({ status: this.statusNow() });
    // Edits made while the save was in flight go out next.
    if (this.dirty) this.schedule();
  }

  /** Sends pending changes now and resolves when the server has them; false if it could not. */
  async flush(): Promise<boolean> {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight;
    if (this.dirty && this.snapshot.status !== "conflict") await this.save();
    return !this.dirty && this.snapshot.status !== "conflict" && this.snapshot.status !== "error";
  }

  /** Retries after an error. */
  retry() {
    this.set({ status: this.statusNow(), error: null });
    void this.save();
  }

  /** Renames the workflow, in turn with draft saves (one revision chain). */
  async rename(name: string): Promise<boolean> {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    await this.save({ name });
    return this.snapshot.status !== "conflict" && this.snapshot.status !== "error";
  }

  /** After a conflict: keep this tab's draft and save it over the server's. */
  async overwrite(currentRevision: number): Promise<boolean> {
    this.set({ status: this.dirty ? "unsaved" : "saved", revision: currentRevision, conflictRevision: null, error: null });
    // Even an unchanged draft is sent, so the server ends up with this tab's version.
    this.saved = { ...this.saved };
    return this.flush();
  }

  /** A definition the server has (a reload, a restore, a publish): nothing to save. */
  accept(definition: WorkflowDefinition, result: SaveResult) {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.saved = definition;
    this.latest = definition;
    this.set({ status: "saved", revision: result.revision, hasUnpublishedChanges: result.hasUnpublishedChanges, error: null, conflictRevision: null });
  }

  /** After a publish: the server's view of whether the draft is published. */
  published(hasUnpublishedChanges: boolean) {
    this.set({ hasUnpublishedChanges });
  }

  /** The editor is closing: whatever is pending goes out now. */
  dispose() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.dirty && this.snapshot.status !== "conflict") void this.save();
  }
}
