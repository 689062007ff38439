/**
 * Just enough JSON Schema (draft 2020-12, as zod's toJSONSchema writes it) to
 * generate the side panel's forms and check them as the user types. The
 * compiler stays the authority: these checks only catch mistakes earlier.
 */
export type Schema = Record<string, unknown>;
export type FieldPath = readonly (string | number)[];

export interface FieldIssue {
  path: FieldPath;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Follows local `$ref`s (`#` and `#/$defs/…`). */
export function resolve(schema: unknown, root: Schema): Schema {
  let current: unknown = schema;
  for (let hops = 0; hops < 20 && isRecord(current) && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref;
    let target: unknown;
    if (ref === "#") target = root;
    else if (ref.startsWith("#/")) {
      target = root;
      for (const part of ref.slice(2).split("/")) target = isRecord(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    }
    // Keep the referring schema's own annotations (description, default).
    const { $ref: _ref, ...rest } = current;
    current = isRecord(target) ? { ...target, ...rest } : rest;
  }
  return isRecord(current) ? current : {};
}

function typesOf(schema: Schema): string[] {
  const type = schema.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return [];
}

/** zod's `z.json()`: any JSON value, spelled as an anyOf of every JSON type. */
export function isAnyJson(schema: Schema): boolean {
  const options = schema.anyOf;
  if (!Array.isArray(options)) return false;
  const kinds = new Set(options.flatMap((o) => (isRecord(o) ? typesOf(o) : [])));
  return ["string", "number", "boolean", "null", "array", "object"].every((k) => kinds.has(k));
}

export interface UnionOption {
  value: string;
  schema: Schema;
}

/** A oneOf/anyOf of objects told apart by a `const` property (the HTTP node's body: json | form | text). */
export function discriminatedUnion(schema: Schema, root: Schema): { key: string; options: UnionOption[] } | null {
  const list = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : null;
  if (!list || list.length === 0) return null;
  const options = list.map((o) => resolve(o, root));
  const first = options[0];
  if (!first || !isRecord(first.properties)) return null;
  for (const key of Object.keys(first.properties)) {
    const values = options.map((o) => {
      const property = isRecord(o.properties) ? resolve(o.properties[key], root) : {};
      return typeof property.const === "string" ? property.const : null;
    });
    if (values.every((v): v is string => v !== null) && new Set(values).size === values.length) {
      return { key, options: options.map((o, i) => ({ value: values[i] as string, schema: o })) };
    }
  }
  return null;
}

export type FieldKind =
  | "enum"
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "scalar"
  | "object"
  | "record"
  | "stringArray"
  | "objectArray"
  | "union"
  | "json";

/** Which control edits a value of this schema; `json` (a JSON text area) for anything else. */
export function fieldKind(schema: Schema, root: Schema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) return "enum";
  if (discriminatedUnion(schema, root)) return "union";
  const types = typesOf(schema);
  if (types.length > 1) {
    return types.every((t) => t === "string" || t === "number" || t === "boolean" || t === "integer") ? "scalar" : "json";
  }
  switch (types[0]) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    case "object": {
      if (isRecord(schema.properties) && Object.keys(schema.properties).length > 0) return "object";
      const values = schema.additionalProperties;
      if (isRecord(values)) {
        const kind = fieldKind(resolve(values, root), root);
        if (kind === "string" || kind === "scalar" || kind === "number" || kind === "integer" || kind === "boolean") return "record";
      }
      return "json";
    }
    case "array": {
      const items = resolve(schema.items, root);
      const kind = fieldKind(items, root);
      if (kind === "string") return "stringArray";
      if (kind === "object") return "objectArray";
      return "json";
    }
    default:
      return "json";
  }
}

/** The properties of an object schema in declaration order, with whether each is required. */
export function properties(schema: Schema, root: Schema): { key: string; schema: Schema; required: boolean }[] {
  const props = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : []);
  return Object.entries(props).map(([key, value]) => ({ key, schema: resolve(value, root), required: required.has(key) }));
}

/** "timeoutMs" → "Timeout (ms)", "failOnNon2xx" → "Fail on non 2xx". */
export function labelFor(key: string, schema: Schema): string {
  if (typeof schema.title === "string" && schema.title) return schema.title;
  let words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([a-z])([0-9])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  let unit = "";
  const ms = words.match(/^(.*) ms$/);
  if (ms?.[1]) {
    words = ms[1];
    unit = " (ms)";
  }
  words = words.replace(/\burl\b/g, "URL").replace(/\bid\b/g, "ID").replace(/\bjson\b/g, "JSON").replace(/\bhttp\b/g, "HTTP");
  return words.charAt(0).toUpperCase() + words.slice(1) + unit;
}

const isTemplate = (value: string) => value.includes("{{");

/** A schema's pattern as a RegExp, or null when this engine cannot read it (the compiler still checks it). */
function compilePattern(source: string): RegExp | null {
  try {
    return new RegExp(source, "u");
  } catch {
    return null;
  }
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isRecord(value);
    default:
      return true;
  }
}

function describeType(types: string[]): string {
  const names: Record<string, string> = { string: "text", number: "a number", integer: "a whole number", boolean: "true or false", array: "a list", object: "an object", null: "null" };
  return types.map((t) => names[t] ?? t).join(" or ");
}

/**
 * Mistakes the form can point at before the compiler does: missing required
 * values, wrong types, lengths, ranges, patterns and enums.
 */
export function validate(schema: Schema, root: Schema, value: unknown, path: FieldPath = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const s = resolve(schema, root);
  if (value === undefined) return issues;
  if (isAnyJson(s)) return issues;

  const union = discriminatedUnion(s, root);
  if (union) {
    const tag = isRecord(value) ? value[union.key] : undefined;
    const option = union.options.find((o) => o.value === tag);
    if (!option) return [{ path: [...path, union.key], message: `Choose one of ${union.options.map((o) => o.value).join(", ")}` }];
    return validate(option.schema, root, value, path);
  }

  const types = typesOf(s);
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    return [{ path, message: `Enter ${describeType(types)}` }];
  }
  if (Array.isArray(s.enum) && !s.enum.some((option) => option === value)) {
    issues.push({ path, message: `Choose one of ${s.enum.map(String).join(", ")}` });
  }
  if (typeof s.const !== "undefined" && s.const !== value) issues.push({ path, message: `Must be ${String(s.const)}` });

  if (typeof value === "string") {
    if (typeof s.minLength === "number" && value.length < s.minLength) {
      issues.push({ path, message: s.minLength === 1 ? "Required" : `Use at least ${s.minLength} characters` });
    }
    if (typeof s.maxLength === "number" && value.length > s.maxLength) issues.push({ path, message: `Use at most ${s.maxLength} characters` });
    if (typeof s.pattern === "string" && !isTemplate(value)) {
      const pattern = compilePattern(s.pattern);
      if (pattern && !pattern.test(value)) issues.push({ path, message: `Does not match the expected format (${s.pattern})` });
    }
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) issues.push({ path, message: `Must be at least ${s.minimum}` });
    if (typeof s.maximum === "number" && value > s.maximum) issues.push({ path, message: `Must be at most ${s.maximum}` });
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) issues.push({ path, message: `Must be more than ${s.exclusiveMinimum}` });
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) issues.push({ path, message: `Must be less than ${s.exclusiveMaximum}` });
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) issues.push({ path, message: `Add at least ${s.minItems} item${s.minItems === 1 ? "" : "s"}` });
    if (typeof s.maxItems === "number" && value.length > s.maxItems) issues.push({ path, message: `Use at most ${s.maxItems} items` });
    if (isRecord(s.items) || typeof s.items === "boolean") {
      value.forEach((item, i) => issues.push(...validate(resolve(s.items, root), root, item, [...path, i])));
    }
  }
  if (isRecord(value)) {
    for (const property of properties(s, root)) {
      const item = value[property.key];
      if (item === undefined) {
        if (property.required && property.schema.default === undefined) issues.push({ path: [...path, property.key], message: "Required" });
        continue;
      }
      issues.push(...validate(property.schema, root, item, [...path, property.key]));
    }
    if (isRecord(s.additionalProperties)) {
      const known = new Set(properties(s, root).map((p) => p.key));
      const values = resolve(s.additionalProperties, root);
      for (const [key, item] of Object.entries(value)) {
        if (!known.has(key)) issues.push(...validate(values, root, item, [...path, key]));
      }
    }
  }
  return issues;
}

/** Whether `path` equals `prefix` or lies under it. */
export function pathStartsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => String(part) === String(path[i]));
}

export const samePath = (a: readonly (string | number)[], b: readonly (string | number)[]) =>
  a.length === b.length && pathStartsWith(a, b);
