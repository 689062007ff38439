"use client";

import { useId, useRef, useState, type ReactNode } from "react";
import { formError } from "~/trpc/errors";

type ConfirmButtonProps = {
  /** The trigger's visible text. */
  children: ReactNode;
  /** The trigger's accessible name, when the visible text alone is ambiguous (e.g. one per table row). */
  label?: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /** Runs on confirmation; a rejection is shown inside the dialog. */
  onConfirm: () => Promise<unknown>;
  className?: string;
  disabled?: boolean;
};

/** A button that asks for confirmation in a modal dialog before a destructive action. */
export function ConfirmButton({
  children,
  label,
  title,
  description,
  confirmLabel,
  onConfirm,
  className = "button danger small",
  disabled,
}: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const titleId = useId();
  const descriptionId = useId();

  function open() {
    setError(undefined);
    dialog.current?.showModal();
  }

  async function confirm() {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (failure) {
      setError(formError(failure).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <button type="button" className={className} aria-label={label} onClick={open} disabled={disabled}>
        {children}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={titleId} aria-describedby={descriptionId}>
        <h2 id={titleId}>{title}</h2>
        <div id={descriptionId} className="muted">
          {description}
        </div>
        {error ? (
          <div className="alert error" role="alert">
            {error}
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => dialog.current?.close()} autoFocus>
            Cancel
          </button>
          <button type="button" className="button danger-solid" onClick={() => void confirm()} disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
