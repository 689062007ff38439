"use client";

import { useId, useState, type FormEvent } from "react";
import { DialogActions, Modal } from "../ui/modal";
import { Icon } from "./icons";
import type { Problem } from "./lib/types";

export type PublishOutcome = { ok: true } | { ok: false; message: string; problems?: Problem[] };

interface PublishDialogProps {
  open: boolean;
  onClose: () => void;
  onPublish: (message: string) => Promise<PublishOutcome>;
  nextNumber: number;
}

/** Asks what changed, then publishes the draft as the next version. */
export function PublishDialog({ open, onClose, onPublish, nextNumber }: PublishDialogProps) {
  return (
    <Modal open={open} onClose={onClose} title={`Publish version ${nextNumber}`} description="Runs started from now on use this version. The draft stays as it is.">
      <PublishForm key={open ? "open" : "closed"} onClose={onClose} onPublish={onPublish} />
    </Modal>
  );
}

function PublishForm({ onClose, onPublish }: Pick<PublishDialogProps, "onClose" | "onPublish">) {
  const [message, setMessage] = useState("");
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<{ message: string; problems?: Problem[] } | null>(null);
  const messageId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setFailure(null);
    const outcome = await onPublish(message.trim());
    setPending(false);
    if (outcome.ok) onClose();
    else setFailure({ message: outcome.message, problems: outcome.problems });
  }

  return (
    <form className="stack publish-form" onSubmit={(event) => void submit(event)} aria-label="Publish">
      <label className="field" htmlFor={messageId}>
        What changed?
        <textarea
          id={messageId}
          className="input textarea"
          rows={3}
          maxLength={500}
          value={message}
          placeholder="e.g. Route large orders to manual review"
          onChange={(event) => setMessage(event.target.value)}
          autoFocus
        />
        <span className="hint">Shown in the version history. Optional, up to 500 characters.</span>
      </label>
      {failure ? (
        <div className="alert error" role="alert">
          <p>{failure.message}</p>
          {failure.problems?.length ? (
            <ul className="publish-problems">
              {failure.problems
                .filter((p) => p.severity === "error")
                .map((problem, index) => (
                  <li key={index}>
                    <Icon name="alert" size={13} /> {problem.message}
                  </li>
                ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <DialogActions onCancel={onClose}>
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? "Publishing…" : "Publish"}
        </button>
      </DialogActions>
    </form>
  );
}
