"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { schemeInfo, signatureHeaderOf } from "../settings/webhook-fields";
import { CopyButton } from "../ui/copy-button";
import { useOrigin } from "../ui/use-origin";
import { workspacePaths } from "../workspace/links";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { formatSlot } from "./lib/summary";
import type { ScheduleInfo } from "./lib/types";

/**
 * A webhook trigger's endpoints: the webhook configurations that target this
 * workflow (URL, signature scheme and header), each linking to its settings
 * page with the delivery log.
 */
export function WebhookTriggerInfo({ workflowId }: { workflowId: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const origin = useOrigin();
  const webhooks = useQuery(trpc.webhook.list.queryOptions({ workspaceId: workspace.id, workflowId }, { staleTime: 30_000 }));
  const settings = workspacePaths.webhooks(workspace.slug);
  return (
    <section className="trigger-info" aria-label="Webhook URL">
      <h3 className="inspector-subtitle">Webhook URL</h3>
      {webhooks.isPending ? (
        <p className="muted small">Loading this workflow&apos;s webhooks…</p>
      ) : webhooks.isError ? (
        <p className="field-error" role="alert">
          Could not load the webhooks: {webhooks.error.message}{" "}
          <button type="button" className="link-button" onClick={() => void webhooks.refetch()}>
            Try again
          </button>
        </p>
      ) : webhooks.data.length === 0 ? (
        <>
          <div className="url-row">
            <span className="badge mono">POST</span>
            <code className="url-text muted">/api/hooks/&lt;slug&gt;</code>
          </div>
          <p className="hint">
            No webhook targets this workflow yet. {hasRole(workspace.role, "admin") ? <Link href={settings}>Create one in the webhook settings</Link> : "An admin can create one in the webhook settings"}{" "}
            to get a URL and choose its signature scheme (HMAC-SHA256, Standard Webhooks, Stripe or GitHub).
          </p>
        </>
      ) : (
        <ul className="webhook-endpoints">
          {webhooks.data.map((webhook) => {
            const url = `${origin}${webhook.path}`;
            const header = signatureHeaderOf(webhook);
            return (
              <li key={webhook.id}>
                <div className="url-row">
                  <span className="badge mono">POST</span>
                  <code className="url-text">{url}</code>
                  <CopyButton value={url} />
                </div>
                <p className="hint">
                  {webhook.active ? null : <strong>Inactive (answers 404). </strong>}
                  Signature: {schemeInfo[webhook.signatureScheme].label}
                  {header ? (
                    <>
                      {" "}
                      in <code>{header}</code>
                    </>
                  ) : null}
                  {webhook.previousSecretExpiresAt ? "; the previous secret is still accepted during its rotation overlap" : ""}.{" "}
                  <Link href={workspacePaths.webhook(workspace.slug, webhook.id)}>
                    Settings and deliveries<span className="sr-only"> of {webhook.name || webhook.slug}</span>
                  </Link>
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/**
 * A schedule trigger's next slots as its draft config says (computed by the
 * server's check of the draft), and the workspace schedules that run this
 * workflow with their own next fire times.
 */
export function ScheduleTriggerInfo({ info, workflowId }: { info: ScheduleInfo | undefined; workflowId: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const schedules = useQuery(trpc.schedule.list.queryOptions({ workspaceId: workspace.id, workflowId }, { staleTime: 30_000 }));
  const active = (schedules.data ?? []).filter((schedule) => schedule.active);
  return (
    <section className="trigger-info" aria-label="Next runs">
      <h3 className="inspector-subtitle">Next runs</h3>
      {!info ? (
        <p className="muted small">Checking the schedule…</p>
      ) : info.ok ? (
        <ol className="slot-list">
          {info.times.map((time) => (
            <li key={time}>
              <time dateTime={time}>{formatSlot(time, info.timezone)}</time> <span className="muted small">{info.timezone}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="field-error">{info.message}</p>
      )}
      {schedules.isError ? (
        <p className="field-error">Could not load this workflow&apos;s schedules: {schedules.error.message}</p>
      ) : active.length > 0 ? (
        <>
          <h4 className="inspector-subtitle small-subtitle">Workspace schedules of this workflow</h4>
          {active.map((schedule) => (
            <div key={schedule.id} className="schedule-mini">
              <p className="hint">
                {schedule.name || <code>{schedule.cron}</code>} ({schedule.timezone}) — next:
              </p>
              <ol className="slot-list">
                {schedule.nextFireTimes.map((time) => (
                  <li key={time.toISOString()}>
                    <time dateTime={time.toISOString()}>{formatSlot(time.toISOString(), schedule.timezone)}</time>
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </>
      ) : null}
      <p className="hint">
        <Link href={workspacePaths.schedules(workspace.slug)}>Manage schedules</Link>: pause, resume or add timetables for this workflow.
      </p>
    </section>
  );
}
