import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "~/components/auth/sign-up-form";
import { Brand } from "~/components/brand";
import { safeCallbackUrl } from "~/lib/safe-callback";
import { currentUser } from "~/server/auth";

export const metadata: Metadata = { title: "Create your account" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignUpPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = params.callbackUrl ? safeCallbackUrl(params.callbackUrl) : undefined;
  if (await currentUser()) redirect(callbackUrl ?? "/");
  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <Brand />
        <div>
          <h1>Create your account</h1>
          <p className="muted">You get a personal workspace to build workflows in.</p>
        </div>
        <SignUpForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
