import type { ReactNode } from "react";
import { SettingsNav } from "~/components/settings/settings-nav";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="muted">The workspace, its members, API access, secrets, webhooks, schedules and retention.</p>
        </div>
      </div>
      <div className="settings">
        <SettingsNav />
        <div className="settings-body">{children}</div>
      </div>
    </>
  );
}
