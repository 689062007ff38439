"use client";

import { useId, useRef, useState, type KeyboardEvent } from "react";
import { Icon } from "./icons";
import { applyCompletion, completeAt, insertSecret, type CompletionItem, type CompletionMatch, type CompletionMode } from "./lib/expression-completion";

interface ExpressionInputProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  /** `template`: text with `{{ }}` parts; `expression`: raw JSONata. */
  mode: CompletionMode;
  multiline?: boolean;
  completions: readonly CompletionItem[];
  /** Secret names for the picker (templates only); null hides it (the caller may not list secrets). */
  secrets: readonly string[] | null;
  invalid?: boolean;
  describedBy?: string;
  placeholder?: string;
  readOnly?: boolean;
  required?: boolean;
  /** An accessible name when no <label> points at the field. */
  label?: string;
}

const kindLabel: Record<CompletionItem["kind"], string> = { trigger: "trigger", node: "node", secret: "secret", run: "run", variable: "value" };

/**
 * A text field with autocompletion of what expressions can read (an ARIA
 * combobox: arrows move, Enter or Tab accepts, Escape closes; Ctrl+Space
 * opens the list), and for templates a picker that inserts
 * `{{ secrets.NAME }}` — names only, values never reach the browser.
 */
export function ExpressionInput({
  id,
  value,
  onChange,
  mode,
  multiline = false,
  completions,
  secrets,
  invalid,
  describedBy,
  placeholder,
  readOnly,
  required,
  label,
}: ExpressionInputProps) {
  const [match, setMatch] = useState<CompletionMatch | null>(null);
  const [active, setActive] = useState(0);
  const [pickerOpen, setPickerOpen] = useState(false);
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const selection = useRef({ start: value.length, end: value.length });
  const listId = useId();
  const pickerId = useId();

  function placeCaret(caret: number) {
    requestAnimationFrame(() => {
      const element = field.current;
      if (!element) return;
      element.focus();
      element.setSelectionRange(caret, caret);
      selection.current = { start: caret, end: caret };
    });
  }

  function refresh(text: string, caret: number, force = false) {
    let next = completeAt(text, caret, completions, mode);
    if (!next && force) {
      let from = caret;
      while (from > 0 && /[A-Za-z0-9_$.`-]/.test(text.charAt(from - 1))) from--;
      if (mode === "template") {
        // Ctrl+Space outside a template opens one around the caret.
        const opened = `${text.slice(0, caret)}{{  }}${text.slice(caret)}`;
        onChange(opened);
        placeCaret(caret + 3);
        next = { from: caret + 3, to: caret + 3, query: "", items: completions.slice(0, 50), needsClose: false };
      } else {
        next = { from, to: caret, query: text.slice(from, caret), items: completions.slice(0, 50), needsClose: false };
      }
    }
    setMatch(next);
    setActive(0);
  }

  function accept(item: CompletionItem) {
    if (!match) return;
    const result = applyCompletion(value, match, item);
    onChange(result.text);
    setMatch(null);
    placeCaret(result.caret);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) {
    if (event.key === " " && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      refresh(value, event.currentTarget.selectionStart ?? value.length, true);
      return;
    }
    if (!match) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current) => (current + step + match.items.length) % match.items.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      const item = match.items[active];
      if (item) {
        event.preventDefault();
        accept(item);
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setMatch(null);
    }
  }

  function pickSecret(name: string) {
    const { start, end } = selection.current;
    const result = insertSecret(value, Math.min(start, value.length), Math.min(end, value.length), name);
    onChange(result.text);
    setPickerOpen(false);
    placeCaret(result.caret);
  }

  const common = {
    id,
    ref: field,
    className: `input expression-input${mode === "expression" ? " mono" : ""}`,
    value,
    placeholder,
    readOnly,
    required,
    spellCheck: false,
    autoComplete: "off",
    "aria-invalid": invalid || undefined,
    "aria-describedby": describedBy,
    "aria-label": label,
    role: "combobox",
    "aria-autocomplete": "list" as const,
    "aria-expanded": match !== null,
    "aria-controls": listId,
    "aria-activedescendant": match ? `${listId}-${active}` : undefined,
    onChange: (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
      const text = event.currentTarget.value;
      const caret = event.currentTarget.selectionStart ?? text.length;
      selection.current = { start: caret, end: event.currentTarget.selectionEnd ?? caret };
      onChange(text);
      refresh(text, caret);
    },
    onSelect: (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
      selection.current = { start: event.currentTarget.selectionStart ?? 0, end: event.currentTarget.selectionEnd ?? 0 };
    },
    onKeyDown,
    onBlur: () => setMatch(null),
  };

  return (
    <div className="expression-field">
      <div className="expression-control">
        {multiline ? <textarea {...common} rows={mode === "expression" ? 3 : 2} /> : <input {...common} type="text" />}
        {secrets && mode === "template" && !readOnly ? (
          <div
            className="secret-picker"
            onBlur={(event) => {
              if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setPickerOpen(false);
            }}
          >
            <button
              type="button"
              className="button small icon-button"
              aria-label="Insert secret"
              title="Insert a secret"
              aria-haspopup="true"
              aria-expanded={pickerOpen}
              aria-controls={pickerId}
              onClick={() => setPickerOpen((open) => !open)}
            >
              <Icon name="key" size={14} />
            </button>
            {pickerOpen ? (
              <div className="secret-menu" id={pickerId} onKeyDown={(event) => event.key === "Escape" && setPickerOpen(false)}>
                <p className="menu-label">Insert a secret</p>
                {secrets.length === 0 ? (
                  <p className="menu-note muted">No secrets in this workspace yet. Admins create them; their values are never shown here.</p>
                ) : (
                  <ul>
                    {secrets.map((name) => (
                      <li key={name}>
                        <button type="button" className="item mono" onClick={() => pickSecret(name)}>
                          {name}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
      {match ? (
        <ul className="completion-list" id={listId} role="listbox" aria-label="Suggestions">
          {match.items.map((item, index) => (
            <li
              key={item.label}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? "active" : undefined}
              onMouseDown={(event) => {
                event.preventDefault();
                accept(item);
              }}
            >
              <span className="completion-label mono">{item.label}</span>
              <span className="completion-detail">
                <span className={`completion-kind ${item.kind}`}>{kindLabel[item.kind]}</span> {item.detail}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
