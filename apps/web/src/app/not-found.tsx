import Link from "next/link";

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <h1>Not found</h1>
        <p className="muted">This page does not exist, or you do not have access to it.</p>
        <Link className="button" href="/">
          Go to your workspaces
        </Link>
      </div>
    </main>
  );
}
