"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { formatDateTime } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { SecretBox } from "../ui/secret-box";
import { Loading, NeedsRole, QueryError } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { WebhookDeliveries } from "./webhook-deliveries";
import { EndpointUrl, readWebhookSettings, schemeInfo, signatureHeaderOf, SignatureHeaderField, WebhookSettingsFields, type Webhook } from "./webhook-fields";
import { useWorkflowOptions } from "./workflow-options";

/** One webhook: what senders need, its settings, its secret and its delivery log. */
export function WebhookDetail({ webhookId }: { webhookId: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const webhook = useQuery(trpc.webhook.get.queryOptions({ workspaceId: workspace.id, webhookId }));
  const canManage = hasRole(workspace.role, "admin");

  if (webhook.isPending) return <Loading>Loading the webhook…</Loading>;
  if (webhook.isError) {
    return (
      <div className="stack">
        <QueryError error={webhook.error} what="the webhook" onRetry={() => void webhook.refetch()} />
        <div>
          <Link className="button small" href={workspacePaths.webhooks(workspace.slug)}>
            Back to webhooks
          </Link>
        </div>
      </div>
    );
  }
  return (
    <>
      <Overview webhook={webhook.data} />
      {canManage ? (
        <>
          <EditWebhookForm webhook={webhook.data} />
          {webhook.data.signatureScheme === "none" ? null : <RotateSecret webhook={webhook.data} />}
        </>
      ) : (
        <NeedsRole role="admin" action="change this webhook or rotate its secret" />
      )}
      <WebhookDeliveries webhookId={webhook.data.id} />
      {canManage ? <DeleteWebhook webhook={webhook.data} /> : null}
    </>
  );
}

function Overview({ webhook }: { webhook: Webhook }) {
  const { slug } = useWorkspace();
  const { names } = useWorkflowOptions();
  const header = signatureHeaderOf(webhook);
  return (
    <section className="card stack" aria-labelledby="webhook-heading">
      <div className="card-header">
        <div>
          <p className="eyebrow">
            <Link href={workspacePaths.webhooks(slug)}>Webhooks</Link> /
          </p>
          <h2 id="webhook-heading">{webhook.name || webhook.slug}</h2>
        </div>
        {webhook.active ? <span className="badge success">Active</span> : <span className="badge">Inactive: answers 404</span>}
      </div>
      <EndpointUrl path={webhook.path} method={webhook.method} />
      <dl className="details">
        <dt>Target workflow</dt>
        <dd>
          <Link href={workspacePaths.workflow(slug, webhook.workflowId)}>{names.get(webhook.workflowId) ?? webhook.workflowId}</Link>
        </dd>
        <dt>Signature</dt>
        <dd>
          {schemeInfo[webhook.signatureScheme].label}
          {header ? (
            <>
              {" "}
              in the <code>{header}</code> header
            </>
          ) : null}
          <span className="hint block">{schemeInfo[webhook.signatureScheme].description}</span>
        </dd>
        {webhook.previousSecretExpiresAt ? (
          <>
            <dt>Previous secret</dt>
            <dd>Still accepted until {formatDateTime(webhook.previousSecretExpiresAt)}</dd>
          </>
        ) : null}
        <dt>Content types</dt>
        <dd>
          <span className="badge-list">
            {webhook.allowedContentTypes.map((type) => (
              <span className="badge mono" key={type}>
                {type}
              </span>
            ))}
          </span>
        </dd>
        <dt>Answer</dt>
        <dd>{webhook.answerMode === "result" ? `The run's result (waits up to ${webhook.resultTimeoutMs / 1000} s, then 202)` : "202 Accepted with the run's location"}</dd>
      </dl>
    </section>
  );
}

function EditWebhookForm({ webhook }: { webhook: Webhook }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.webhook.update.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.webhook.get.queryKey({ workspaceId: workspace.id, webhookId: webhook.id }) }),
          queryClient.invalidateQueries({ queryKey: trpc.webhook.list.queryKey() }),
        ]);
      },
    }),
  );
  const failure = update.error ? formError(update.error) : undefined;
  const errors = failure?.fieldErrors ?? {};

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSaved(false);
    const header = String(form.get("signatureHeader") ?? "").trim();
    update.mutate({
      ...readWebhookSettings(form, { editing: true }),
      ...(webhook.signatureScheme === "hmac-sha256" ? { signatureHeader: header === "" ? null : header } : {}),
      workspaceId: workspace.id,
      webhookId: webhook.id,
    });
  }

  return (
    <section className="card" aria-labelledby="edit-webhook-heading">
      <div className="card-header">
        <div>
          <h2 id="edit-webhook-heading">Settings</h2>
          <p className="muted">The signature scheme cannot change: create another webhook for another scheme.</p>
        </div>
      </div>
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Webhook settings">
        {failure && Object.keys(errors).length === 0 ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        {saved && !update.isPending ? (
          <div className="alert success" role="status">
            Changes saved.
          </div>
        ) : null}
        <WebhookSettingsFields webhook={webhook} errors={errors} />
        {webhook.signatureScheme === "hmac-sha256" ? (
          <div className="narrow">
            <SignatureHeaderField defaultValue={webhook.signatureHeader} errors={errors.signatureHeader} />
          </div>
        ) : null}
        <div>
          <button className="button primary" type="submit" disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Save changes"}
          </button>
        </div>
      </form>
    </section>
  );
}

const overlaps = [
  { seconds: 0, label: "None: the old secret stops working at once" },
  { seconds: 3_600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
  { seconds: 7 * 86_400, label: "7 days" },
];

function RotateSecret({ webhook }: { webhook: Webhook }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string>();
  const overlapId = useId();
  const secretId = useId();
  const rotate = useMutation(
    trpc.webhook.rotateSecret.mutationOptions({
      onSuccess: (rotated) => {
        setSecret(rotated.secret ?? undefined);
        return queryClient.invalidateQueries({ queryKey: trpc.webhook.get.queryKey({ workspaceId: workspace.id, webhookId: webhook.id }) });
      },
    }),
  );
  const failure = rotate.error ? formError(rotate.error) : undefined;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const custom = String(form.get("secret") ?? "").trim();
    setSecret(undefined);
    rotate.mutate(
      { workspaceId: workspace.id, webhookId: webhook.id, overlapSeconds: Number(form.get("overlapSeconds")), secret: custom === "" ? undefined : custom },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <section className="card" aria-labelledby="rotate-heading">
      <div className="card-header">
        <div>
          <h2 id="rotate-heading">Rotate the signing secret</h2>
          <p className="muted">The previous secret keeps verifying during the overlap, so senders can switch without a refused delivery.</p>
        </div>
      </div>
      {secret ? (
        <div className="stack created before">
          <div className="alert success" role="status">
            <strong>Secret rotated.</strong> Copy the new secret now: it will not be shown again.
          </div>
          <SecretBox label="New signing secret" value={secret} />
        </div>
      ) : null}
      <form className="stack narrow" onSubmit={onSubmit} noValidate aria-label="Rotate the signing secret">
        {failure && !failure.fieldErrors.secret ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={overlapId}>Overlap</label>
          <select id={overlapId} className="input" name="overlapSeconds" defaultValue={86_400}>
            {overlaps.map((overlap) => (
              <option key={overlap.seconds} value={overlap.seconds}>
                {overlap.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={secretId}>New secret</label>
          <input
            id={secretId}
            className="input mono"
            name="secret"
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            aria-invalid={Boolean(failure?.fieldErrors.secret)}
            aria-describedby={`${secretId}-note`}
          />
          {failure?.fieldErrors.secret ? (
            <span className="field-error" id={`${secretId}-note`} role="alert">
              {failure.fieldErrors.secret.join(" ")}
            </span>
          ) : (
            <span className="hint" id={`${secretId}-note`}>
              Leave empty to generate one{webhook.signatureScheme === "stripe" ? " (for Stripe, paste the secret Stripe issued)" : ""}.
            </span>
          )}
        </div>
        <div>
          <button className="button" type="submit" disabled={rotate.isPending}>
            {rotate.isPending ? "Rotating…" : "Rotate secret"}
          </button>
        </div>
      </form>
    </section>
  );
}

function DeleteWebhook({ webhook }: { webhook: RouterOutputs["webhook"]["get"] }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const remove = useMutation(trpc.webhook.delete.mutationOptions());

  async function onConfirm() {
    await remove.mutateAsync({ workspaceId: workspace.id, webhookId: webhook.id });
    await queryClient.invalidateQueries({ queryKey: trpc.webhook.list.queryKey() });
    router.replace(workspacePaths.webhooks(workspace.slug));
  }

  return (
    <section className="card danger-zone" aria-labelledby="delete-webhook-heading">
      <div className="card-header">
        <div>
          <h2 id="delete-webhook-heading">Delete webhook</h2>
          <p className="muted">
            Deliveries to <code>{webhook.path}</code> will answer 404. Its delivery log is deleted with it; runs it started are kept.
          </p>
        </div>
        <ConfirmButton
          className="button danger"
          title="Delete webhook?"
          description={<p>Senders posting to {webhook.path} will get 404 from now on. This cannot be undone.</p>}
          confirmLabel="Delete webhook"
          onConfirm={onConfirm}
        >
          Delete webhook
        </ConfirmButton>
      </div>
    </section>
  );
}
