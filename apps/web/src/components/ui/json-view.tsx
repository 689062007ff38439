"use client";

import { allExpanded, collapseAllNested, defaultStyles, JsonView } from "react-json-view-lite";
import "react-json-view-lite/dist/index.css";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * A read-only viewer for JSON data (payloads, bodies): objects and arrays as a
 * keyboard-operable tree, scalars as text. Small documents open expanded.
 */
export function JsonViewer({ value, label }: { value: unknown; label: string }) {
  if (value === null || typeof value !== "object") {
    return (
      <pre className="code-block light" aria-label={label}>
        <code>{JSON.stringify(value ?? null, null, 2)}</code>
      </pre>
    );
  }
  const large = JSON.stringify(value).length > 4_000;
  return (
    <div className="json-view" aria-label={label} role="group">
      <JsonView data={value as Json[] | { [key: string]: Json }} shouldExpandNode={large ? collapseAllNested : allExpanded} style={defaultStyles} />
    </div>
  );
}

/** The parsed document, or undefined when the text is not JSON. */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** A delivery body as received: a JSON tree when it parses, the text otherwise. */
export function BodyViewer({ body, contentType, label }: { body: string; contentType: string | null; label: string }) {
  if (body === "") return <p className="muted small">Empty body.</p>;
  const parsed = contentType === null || /json/i.test(contentType) ? parseJson(body) : undefined;
  if (parsed !== undefined) return <JsonViewer value={parsed.value} label={label} />;
  return (
    <pre className="code-block light" aria-label={label}>
      <code>{body}</code>
    </pre>
  );
}
