"use client";

import { useEffect, useRef, useState } from "react";

async function writeClipboard(value: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(value);
    return;
  }
  // Plain-http self-hosted installs have no async clipboard API.
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

/** A "Copy" button whose result is announced without changing its accessible name. */
export function CopyButton({ value }: { value: string }) {
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    clearTimeout(timer.current);
    try {
      await writeClipboard(value);
      setStatus("copied");
    } catch {
      setStatus("failed");
    }
    timer.current = setTimeout(() => setStatus("idle"), 2500);
  }

  return (
    <>
      <button type="button" className="button small" onClick={() => void copy()}>
        Copy
      </button>
      <span className={`copy-status ${status}`} role="status">
        {status === "copied" ? "Copied" : status === "failed" ? "Select the text and copy it" : ""}
      </span>
    </>
  );
}
