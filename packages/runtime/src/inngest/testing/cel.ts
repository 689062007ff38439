// The subset of CEL (https://github.com/google/cel-spec) the Inngest driver
// writes into `if` expressions, evaluated the way the spec says, so tests can
// deliver events to a fake `step.waitForEvent` exactly when Inngest would:
// literals (strings, doubles, booleans, null), member access (`a.b`, `a["b"]`),
// `==`, `!=`, `in`, `&&`, `||`, parentheses, `type()` against `map` and
// `list`, and the `exists` macro (over a list's elements or a map's keys). Accessing
// a missing key is an error value; `&&` and `||` absorb errors the way CEL's
// commutative logic does, and an expression that ends in an error matches
// nothing (as in Inngest).

class CelError {
  constructor(readonly message: string) {}
}

type Value = unknown;

type Token = { kind: "str" | "num" | "ident" | "op"; text: string; value?: Value };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === "\\" ? 2 : 1;
      const text = source.slice(i, j + 1);
      tokens.push({ kind: "str", text, value: JSON.parse(text) });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      const text = match?.[0] ?? c;
      tokens.push({ kind: "num", text, value: Number(text) });
      i += text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const text = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))?.[0] ?? c;
      tokens.push({ kind: "ident", text });
      i += text.length;
    } else {
      const two = source.slice(i, i + 2);
      if (["==", "!=", "&&", "||"].includes(two)) {
        tokens.push({ kind: "op", text: two });
        i += 2;
      } else if ("()[].,-".includes(c)) {
        tokens.push({ kind: "op", text: c });
        i++;
      } else {
        throw new SyntaxError(`unexpected "${c}" at ${i} in ${source}`);
      }
    }
  }
  return tokens;
}

/** What `type(x)`, `map` and `list` evaluate to. */
class CelType {
  constructor(readonly name: string) {}
}
const TYPES = { map: new CelType("map"), list: new CelType("list"), string: new CelType("string"), double: new CelType("double"), bool: new CelType("bool"), null_type: new CelType("null_type") };

function typeOf(value: Value): CelType {
  if (Array.isArray(value)) return TYPES.list;
  if (value === null) return TYPES.null_type;
  if (typeof value === "object") return TYPES.map;
  if (typeof value === "string") return TYPES.string;
  if (typeof value === "number") return TYPES.double;
  return TYPES.bool;
}

type Node =
  | { t: "lit"; value: Value }
  | { t: "type"; of: Node }
  | { t: "var"; name: string }
  | { t: "member"; of: Node; key: Node }
  | { t: "bin"; op: string; left: Node; right: Node }
  | { t: "exists"; of: Node; variable: string; body: Node };

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.at < this.tokens.length) throw new SyntaxError(`unexpected "${this.tokens[this.at]?.text}"`);
    return node;
  }

  private peek(text: string): boolean {
    const token = this.tokens[this.at];
    return token !== undefined && (token.kind === "op" || token.kind === "ident") && token.text === text;
  }

  private expect(text: string): void {
    if (!this.peek(text)) throw new SyntaxError(`expected "${text}" at token ${this.at}`);
    this.at++;
  }

  private or(): Node {
    let left = this.and();
    while (this.peek("||")) {
      this.at++;
      left = { t: "bin", op: "||", left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.relation();
    while (this.peek("&&")) {
      this.at++;
      left = { t: "bin", op: "&&", left, right: this.relation() };
    }
    return left;
  }

  private relation(): Node {
    const left = this.member();
    for (const op of ["==", "!=", "in"]) {
      if (this.peek(op)) {
        this.at++;
        return { t: "bin", op, left, right: this.member() };
      }
    }
    return left;
  }

  private member(): Node {
    let node = this.primary();
    for (;;) {
      if (this.peek(".")) {
        this.at++;
        const name = this.tokens[this.at++];
        if (name?.kind !== "ident") throw new SyntaxError("expected a field name");
        if (name.text === "exists" && this.peek("(")) {
          this.at++;
          const variable = this.tokens[this.at++];
          if (variable?.kind !== "ident") throw new SyntaxError("expected a variable");
          this.expect(",");
          const body = this.or();
          this.expect(")");
          node = { t: "exists", of: node, variable: variable.text, body };
        } else {
          node = { t: "member", of: node, key: { t: "lit", value: name.text } };
        }
      } else if (this.peek("[")) {
        this.at++;
        const key = this.or();
        this.expect("]");
        node = { t: "member", of: node, key };
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const token = this.tokens[this.at++];
    if (!token) throw new SyntaxError("unexpected end");
    if (token.kind === "str" || token.kind === "num") return { t: "lit", value: token.value };
    if (token.kind === "op" && token.text === "-") {
      const next = this.tokens[this.at++];
      if (next?.kind !== "num") throw new SyntaxError("expected a number after -");
      return { t: "lit", value: -(next.value as number) };
    }
    if (token.kind === "op" && token.text === "(") {
      const inner = this.or();
      this.expect(")");
      return inner;
    }
    if (token.kind === "ident") {
      if (token.text === "true") return { t: "lit", value: true };
      if (token.text === "false") return { t: "lit", value: false };
      if (token.text === "null") return { t: "lit", value: null };
      if (token.text === "type" && this.peek("(")) {
        this.at++;
        const of = this.or();
        this.expect(")");
        return { t: "type", of };
      }
      return { t: "var", name: token.text };
    }
    throw new SyntaxError(`unexpected "${token.text}"`);
  }
}

const isMap = (value: Value): value is Record<string, Value> => value !== null && typeof value === "object" && !Array.isArray(value);

// Only scalars are ever compared; JSON numbers and double literals are both JS numbers.
const equal = (a: Value, b: Value): boolean => a === b;

function evaluate(node: Node, scope: Record<string, Value>): Value {
  switch (node.t) {
    case "lit":
      return node.value;
    case "var":
      if (node.name in scope) return scope[node.name];
      return node.name in TYPES ? TYPES[node.name as keyof typeof TYPES] : new CelError(`undeclared reference ${node.name}`);
    case "type": {
      const of = evaluate(node.of, scope);
      return of instanceof CelError ? of : typeOf(of);
    }
    case "member": {
      const of = evaluate(node.of, scope);
      const key = evaluate(node.key, scope);
      if (of instanceof CelError) return of;
      if (key instanceof CelError) return key;
      if (!isMap(of) || typeof key !== "string") return new CelError("no such key");
      return Object.prototype.hasOwnProperty.call(of, key) ? of[key] : new CelError(`no such key: ${key}`);
    }
    case "exists": {
      const range = evaluate(node.of, scope);
      if (range instanceof CelError) return range;
      if (range === null || typeof range !== "object") return new CelError("exists over neither a list nor a map");
      let error: CelError | null = null;
      for (const element of Array.isArray(range) ? range : Object.keys(range)) {
        const result = evaluate(node.body, { ...scope, [node.variable]: element });
        if (result === true) return true;
        if (result instanceof CelError) error = result;
      }
      return error ?? false;
    }
    case "bin": {
      const left = evaluate(node.left, scope);
      const right = evaluate(node.right, scope);
      if (node.op === "&&" || node.op === "||") {
        const absorbing = node.op === "||";
        if (left === absorbing || right === absorbing) return absorbing;
        if (left instanceof CelError) return left;
        if (right instanceof CelError) return right;
        if (typeof left !== "boolean" || typeof right !== "boolean") return new CelError("no such overload");
        return node.op === "&&" ? left && right : left || right;
      }
      if (left instanceof CelError) return left;
      if (right instanceof CelError) return right;
      if (node.op === "==") return equal(left, right);
      if (node.op === "!=") return !equal(left, right);
      if (Array.isArray(right)) return right.some((element) => equal(element, left));
      if (right !== null && typeof right === "object") return typeof left === "string" && Object.prototype.hasOwnProperty.call(right, left);
      return new CelError("in over neither a list nor a map");
    }
  }
}

/** True when `expression` holds over `scope` (an error or a non-boolean result is no match). */
export function celMatches(expression: string, scope: Record<string, Value>): boolean {
  return evaluate(new Parser(tokenize(expression)).parse(), scope) === true;
}
