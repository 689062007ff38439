import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { githubEnabled } from "@trellis/auth";
import { SignInForm } from "~/components/auth/sign-in-form";
import { Brand } from "~/components/brand";
import { safeCallbackUrl } from "~/lib/safe-callback";
import { currentUser } from "~/server/auth";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : undefined;
  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <Brand />
        <div>
          <h1>Sign in</h1>
          <p className="muted">Welcome back to Trellis.</p>
        </div>
        <SignInForm callbackUrl={callbackUrl} githubEnabled={githubEnabled()} initialError={error} />
      </div>
    </main>
  );
}
