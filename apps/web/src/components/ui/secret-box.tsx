"use client";

import { CopyButton } from "./copy-button";

/** A one-time value (invite link, API key) in a read-only, labelled field with a Copy button. */
export function SecretBox({ label, value }: { label: string; value: string }) {
  return (
    <div className="secret-box">
      <input
        className="secret-input mono"
        aria-label={label}
        value={value}
        readOnly
        spellCheck={false}
        onFocus={(event) => event.currentTarget.select()}
      />
      <CopyButton value={value} />
    </div>
  );
}
