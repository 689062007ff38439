import { SignOutButton } from "./sign-out-button";

function initials(name: string | null | undefined, email: string): string {
  const source = name?.trim() || email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (name?.trim() && parts[1] ? parts[1][0] : "")).toUpperCase();
}

/** Who is signed in, and the way out. */
export function UserMenu({ email, name }: { email: string; name?: string | null }) {
  return (
    <div className="user-menu" aria-label="Account" role="group">
      <span className="avatar" aria-hidden>
        {initials(name, email)}
      </span>
      <span className="user-email" title={email}>
        <span className="sr-only">Signed in as </span>
        {email}
      </span>
      <SignOutButton />
    </div>
  );
}
