/**
 * Ids the editor gives new nodes and edges. Node ids end up in step ids and
 * in expressions (`nodes.<id>.output`), so they stay JSONata identifiers:
 * letters, digits and underscores, e.g. `transform`, `transform_2`.
 */
export function nodeIdBase(type: string): string {
  if (type.startsWith("trigger.")) return "trigger";
  const base = type.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "node";
  return /^[0-9]/.test(base) ? `n_${base}` : base.slice(0, 56);
}

/** `base`, else `base_2`, `base_3`… whichever is free. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  const stem = base.replace(/_\d+$/, "");
  for (let i = 2; ; i++) {
    const candidate = `${stem}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** "Transform", else "Transform 2", "Transform 3"… */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  const stem = base.replace(/ \d+$/, "");
  for (let i = 2; ; i++) {
    const candidate = `${stem} ${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** An edge id that says what it connects, unique in the definition. */
export function edgeIdFor(source: string, sourceHandle: string | null, target: string, taken: ReadonlySet<string>): string {
  const base = sourceHandle && sourceHandle !== "out" ? `${source}.${sourceHandle}-${target}` : `${source}-${target}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A path step as JSONata reads it: `name`, or `` `my-node` `` when it is not an identifier. */
export function pathStep(name: string): string {
  return IDENTIFIER.test(name) ? name : `\`${name.replace(/`/g, "")}\``;
}
