"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "../field";

const oauthErrors: Record<string, string> = {
  OAuthAccountNotLinked: "This email already has a Trellis account. Sign in with your password.",
  GitHubEmailMissing: "GitHub did not share a verified email address.",
  CredentialsSignin: "Incorrect email or password",
};

export function SignInForm({ callbackUrl, githubEnabled, initialError }: { callbackUrl: string; githubEnabled: boolean; initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>(initialError ? (oauthErrors[initialError] ?? initialError) : undefined);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (!result || result.error) {
      setError(result?.error ? (oauthErrors[result.error] ?? result.error) : "Sign-in failed. Try again.");
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      {error ? (
        <div className="alert error" role="alert">
          {error}
        </div>
      ) : null}
      <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <button className="button primary" type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {githubEnabled ? (
        <button className="button" type="button" onClick={() => void signIn("github", { callbackUrl })}>
          Continue with GitHub
        </button>
      ) : null}
      <p className="muted">
        New to Trellis? <Link href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Create an account</Link>
      </p>
    </form>
  );
}
