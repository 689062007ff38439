"use client";

import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Field } from "../field";

export function SignUpForm({ callbackUrl }: { callbackUrl?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const signUp = useMutation(trpc.account.signUp.mutationOptions());
  const [signInError, setSignInError] = useState<string>();
  const failure = signUp.error ? formError(signUp.error) : undefined;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const name = String(form.get("name") ?? "");
    setSignInError(undefined);
    const created = await signUp.mutateAsync({ email, password, name: name || undefined }).catch(() => null);
    if (!created) return;
    const result = await signIn("credentials", { email, password, redirect: false });
    if (!result || result.error) {
      setSignInError("Your account was created, but signing in failed. Sign in to continue.");
      return;
    }
    router.replace(callbackUrl ?? `/w/${created.workspace.slug}`);
    router.refresh();
  }

  const pending = signUp.isPending;
  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      {failure && Object.keys(failure.fieldErrors).length === 0 ? (
        <div className="alert error" role="alert">
          {failure.message}
        </div>
      ) : null}
      {signInError ? (
        <div className="alert error" role="alert">
          {signInError}
        </div>
      ) : null}
      <Field label="Name" name="name" autoComplete="name" errors={failure?.fieldErrors.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required errors={failure?.fieldErrors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters, mixing letters with digits or symbols."
        errors={failure?.fieldErrors.password}
      />
      <button className="button primary" type="submit" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
      <p className="muted">
        Already have an account? <Link href={`/sign-in${callbackUrl ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : ""}`}>Sign in</Link>
      </p>
    </form>
  );
}
