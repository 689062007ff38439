"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";

export function SettingsNav() {
  const { slug, role } = useWorkspace();
  const pathname = usePathname();
  const base = `/w/${slug}/settings`;
  const links = [
    { href: base, label: "General" },
    { href: `${base}/members`, label: "Members" },
    // Only admins manage keys; anyone else opening the URL is told so.
    ...(hasRole(role, "admin") ? [{ href: `${base}/api-keys`, label: "API keys" }] : []),
    // Editors see secret names (workflows refer to them); only admins change them.
    ...(hasRole(role, "editor") ? [{ href: `${base}/secrets`, label: "Secrets" }] : []),
    { href: `${base}/webhooks`, label: "Webhooks" },
    ...(hasRole(role, "admin") ? [{ href: `${base}/notifications`, label: "Notifications" }] : []),
    { href: `${base}/schedules`, label: "Schedules" },
    { href: `${base}/retention`, label: "Retention" },
  ];
  return (
    <nav className="subnav" aria-label="Settings">
      {links.map((link) => (
        <Link key={link.href} href={link.href} aria-current={pathname === link.href || (link.href !== base && pathname.startsWith(`${link.href}/`)) ? "page" : undefined}>
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
