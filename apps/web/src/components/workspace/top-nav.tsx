"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useWorkspace } from "./workspace-context";

export function TopNav() {
  const { slug } = useWorkspace();
  const pathname = usePathname();
  const base = `/w/${slug}`;
  const links = [
    { href: base, label: "Overview", current: pathname === base },
    { href: `${base}/workflows`, label: "Workflows", current: pathname === `${base}/workflows` || pathname.startsWith(`${base}/workflows/`) },
    { href: `${base}/runs`, label: "Runs", current: pathname === `${base}/runs` || pathname.startsWith(`${base}/runs/`) },
    { href: `${base}/settings`, label: "Settings", current: pathname === `${base}/settings` || pathname.startsWith(`${base}/settings/`) },
  ];
  return (
    <nav className="topnav" aria-label="Workspace">
      {links.map((link) => (
        <Link key={link.href} href={link.href} aria-current={link.current ? "page" : undefined}>
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
