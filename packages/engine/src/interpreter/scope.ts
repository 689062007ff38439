import type { SerializedError } from "../errors";
import type { Json } from "../json";

/** What `nodes.<id>` holds in expressions. */
export type NodeEntry = { output: Json; error?: SerializedError };

/**
 * The node outputs visible to one instance of a group: the top level, or one
 * item of a splitter branch (which also sees everything its parent saw).
 */
export class Scope {
  private view: Record<string, NodeEntry> | null;

  private constructor(
    readonly parent: Scope | null,
    /** Appended to node ids to make step ids: "" at the top level, "[i][j]" in nested branches. */
    readonly suffix: string,
    readonly item: Json | undefined,
    readonly index: number | undefined,
    private readonly local: Record<string, NodeEntry>,
  ) {
    this.view = parent === null ? local : null;
  }

  static root(): Scope {
    return new Scope(null, "", undefined, undefined, {});
  }

  child(index: number, item: Json): Scope {
    return new Scope(this, `${this.suffix}[${index}]`, item, index, {});
  }

  /** Built lazily: most branches never evaluate an expression. */
  nodes(): Record<string, NodeEntry> {
    if (this.view === null)
      this.view = Object.assign({}, this.parent?.nodes(), this.local);
    return this.view;
  }

  get(id: string): NodeEntry | undefined {
    return this.local[id] ?? this.parent?.get(id);
  }

  set(id: string, entry: NodeEntry): void {
    this.local[id] = entry;
    if (this.view !== null && this.view !== this.local) this.view[id] = entry;
  }
}
