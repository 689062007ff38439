"use client";

import { memo, useId } from "react";
import { Icon } from "./icons";
import { nodeLabel } from "./lib/flow-mapping";
import type { Descriptors, Problem, WorkflowDefinition } from "./lib/types";

interface ProblemsPanelProps {
  problems: readonly Problem[];
  definition: WorkflowDefinition;
  descriptors: Descriptors;
  open: boolean;
  onToggle: () => void;
  /** Selects (and shows) the node or edge a problem concerns. */
  onReveal: (problem: Problem) => void;
  status: "checking" | "current" | "failed";
}

/** The compiler's problems under the canvas, errors first; each one leads to its node or edge. */
function ProblemsPanelView({ problems, definition, descriptors, open, onToggle, onReveal, status }: ProblemsPanelProps) {
  const listId = useId();
  const errors = problems.filter((p) => p.severity === "error");
  const warnings = problems.filter((p) => p.severity === "warning");
  const sorted = [...errors, ...warnings];
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const where = (problem: Problem) => {
    if (problem.edgeId !== undefined) {
      const edge = definition.edges.find((e) => e.id === problem.edgeId);
      if (!edge) return "a connection";
      const source = byId.get(edge.source);
      const target = byId.get(edge.target);
      return `connection ${source ? nodeLabel(source, descriptors.get(source.type)) : edge.source} → ${target ? nodeLabel(target, descriptors.get(target.type)) : edge.target}`;
    }
    if (problem.nodeId !== undefined) {
      const node = byId.get(problem.nodeId);
      return node ? nodeLabel(node, descriptors.get(node.type)) : problem.nodeId;
    }
    return "workflow";
  };
  const summary =
    status === "failed"
      ? "Could not check the draft"
      : errors.length + warnings.length === 0
        ? status === "checking"
          ? "Checking…"
          : "No problems"
        : [errors.length ? `${errors.length} error${errors.length === 1 ? "" : "s"}` : "", warnings.length ? `${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
  return (
    <section className={`problems-panel${open ? " open" : ""}`} aria-label="Problems">
      <button type="button" className="problems-toggle" aria-expanded={open} aria-controls={listId} onClick={onToggle}>
        <Icon name={errors.length > 0 ? "alert" : warnings.length > 0 ? "warning" : "check-circle"} size={14} className={errors.length > 0 ? "tone-error" : warnings.length > 0 ? "tone-warning" : "tone-ok"} />
        <span className="strong">Problems</span>
        <span className="muted" role="status">
          {summary}
        </span>
        <span className="spacer" />
        <Icon name={open ? "chevron-down" : "chevron-up"} size={14} />
      </button>
      {open ? (
        <div className="problems-list" id={listId}>
          {sorted.length === 0 ? (
            <p className="muted small problems-empty">{status === "failed" ? "The check failed; publishing checks the workflow again." : "The compiler found nothing to fix."}</p>
          ) : (
            <ul>
              {sorted.map((problem, index) => (
                <li key={`${problem.code}-${problem.nodeId ?? ""}-${problem.edgeId ?? ""}-${index}`}>
                  <button type="button" className={`problem-item ${problem.severity}`} onClick={() => onReveal(problem)} disabled={problem.nodeId === undefined && problem.edgeId === undefined}>
                    <Icon name={problem.severity === "error" ? "alert" : "warning"} size={14} />
                    <span className="problem-message">{problem.message}</span>
                    <span className="problem-where">{where(problem)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </section>
  );
}

export const ProblemsPanel = memo(ProblemsPanelView);
