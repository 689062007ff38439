"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

/** Signs out and lands on the sign-in page (optionally coming back to `callbackUrl`). */
export function SignOutButton({ className = "button small", callbackUrl }: { className?: string; callbackUrl?: string }) {
  const [pending, setPending] = useState(false);
  const target = callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-in";
  return (
    <button
      type="button"
      className={className}
      disabled={pending}
      aria-busy={pending || undefined}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: target });
      }}
    >
      Sign out
    </button>
  );
}
