"use client";

import { memo, useId, useMemo, useState, type DragEvent } from "react";
import { Icon } from "./icons";
import type { NodeDescriptor } from "./lib/types";

/** The drag payload of a palette item. */
export const NODE_TYPE_MIME = "application/x-trellis-node-type";

const categoryOrder = ["trigger", "action", "data", "logic", "flow", "utility"] as const;
const categoryLabel: Record<string, string> = {
  trigger: "Triggers",
  action: "Actions",
  data: "Data",
  logic: "Logic",
  flow: "Flow control",
  utility: "Utilities",
};

interface PaletteProps {
  nodeTypes: readonly NodeDescriptor[];
  /** Click or Enter: add the type (next to the selected node when there is one). */
  onAdd: (type: string) => void;
  disabled: boolean;
}

/** Node types by category, with search; drag one onto the canvas, or press it to add it. */
function PaletteView({ nodeTypes, onAdd, disabled }: PaletteProps) {
  const [query, setQuery] = useState("");
  const searchId = useId();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = nodeTypes.filter(
      (t) => !q || t.title.toLowerCase().includes(q) || t.type.toLowerCase().includes(q) || t.description.toLowerCase().includes(q) || t.category.includes(q),
    );
    const known = new Set<string>(categoryOrder);
    const categories = [...categoryOrder, ...new Set(matches.map((t) => t.category).filter((c) => !known.has(c)))];
    return categories.map((category) => ({ category, types: matches.filter((t) => t.category === category) })).filter((g) => g.types.length > 0);
  }, [nodeTypes, query]);

  function onDragStart(event: DragEvent<HTMLButtonElement>, type: string) {
    event.dataTransfer.setData(NODE_TYPE_MIME, type);
    event.dataTransfer.setData("text/plain", type);
    event.dataTransfer.effectAllowed = "copyMove";
  }

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="palette-search">
        <label htmlFor={searchId} className="sr-only">
          Search node types
        </label>
        <Icon name="search" size={14} className="palette-search-icon" />
        <input
          id={searchId}
          className="input"
          type="search"
          placeholder="Search nodes"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          autoComplete="off"
        />
      </div>
      <p className="palette-hint">{disabled ? "This view is read-only." : "Drag onto the canvas, or press to add after the selected node."}</p>
      <div className="palette-groups">
        {groups.length === 0 ? <p className="palette-empty">No node type matches “{query}”.</p> : null}
        {groups.map((group) => (
          <section key={group.category} aria-labelledby={`${searchId}-${group.category}`}>
            <h3 id={`${searchId}-${group.category}`} className="palette-category">
              {categoryLabel[group.category] ?? group.category}
            </h3>
            <ul>
              {group.types.map((type) => (
                <li key={type.type}>
                  <button
                    type="button"
                    className={`palette-item cat-${type.category}`}
                    draggable={!disabled}
                    disabled={disabled}
                    onDragStart={(event) => onDragStart(event, type.type)}
                    onClick={() => onAdd(type.type)}
                    aria-label={`Add ${type.title}`}
                    aria-describedby={`${searchId}-${type.type.replace(/\W/g, "-")}`}
                    data-node-type={type.type}
                  >
                    <span className="wf-node-icon" aria-hidden>
                      <Icon name={type.icon} size={14} />
                    </span>
                    <span className="palette-item-text">
                      <span className="palette-item-title">{type.title}</span>
                      <span className="palette-item-description" id={`${searchId}-${type.type.replace(/\W/g, "-")}`}>
                        {type.description}
                      </span>
                    </span>
                    <Icon name="grip" size={14} className="palette-grip" />
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteView);
