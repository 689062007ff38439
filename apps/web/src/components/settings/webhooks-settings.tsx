"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import type { RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { formatDate, formatDateTime } from "../format";
import { SecretBox } from "../ui/secret-box";
import { Loading, NeedsRole, QueryError } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { EndpointUrl, readWebhookSettings, schemeInfo, schemes, signatureHeaderOf, SignatureHeaderField, WebhookSettingsFields, type SignatureScheme } from "./webhook-fields";
import { useWorkflowOptions } from "./workflow-options";
import { DataTable } from "../ui/data-table";

type CreatedWebhook = RouterOutputs["webhook"]["create"];

/** Webhooks: every endpoint of the workspace; admins create them. */
export function WebhooksSettings() {
  const { role } = useWorkspace();
  const canManage = hasRole(role, "admin");
  const [created, setCreated] = useState<CreatedWebhook>();
  return (
    <>
      {created ? <CreatedWebhookCard webhook={created} onDone={() => setCreated(undefined)} /> : null}
      <WebhookList />
      {canManage ? <CreateWebhookForm onCreated={setCreated} /> : <NeedsRole role="admin" action="create or change webhooks" />}
    </>
  );
}

/** What a sender needs, once: the URL, the scheme's header and the secret (never shown again). */
function CreatedWebhookCard({ webhook, onDone }: { webhook: CreatedWebhook; onDone: () => void }) {
  const { slug } = useWorkspace();
  const header = signatureHeaderOf(webhook);
  return (
    <section className="card stack" aria-labelledby="created-webhook-heading">
      <h2 id="created-webhook-heading">Webhook “{webhook.name || webhook.slug}” created</h2>
      <div className="alert success" role="status">
        {webhook.secret ? <>Copy the signing secret now: it will not be shown again.</> : <>This webhook does not verify signatures.</>}
      </div>
      <EndpointUrl path={webhook.path} method={webhook.method} />
      {webhook.secret ? <SecretBox label="Signing secret" value={webhook.secret} /> : null}
      <dl className="details">
        <dt>Signature</dt>
        <dd>
          {schemeInfo[webhook.signatureScheme].label}
          {header ? (
            <>
              {" "}
              in the <code>{header}</code> header
            </>
          ) : null}
        </dd>
      </dl>
      {/* GET and DELETE deliveries have no body, so there is nothing for this example to sign. */}
      {webhook.signatureScheme === "hmac-sha256" && webhook.secret && webhook.method !== "GET" && webhook.method !== "DELETE" ? (
        <pre className="code-block">
          <code>{`BODY='{"hello":"world"}'\nSIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')\ncurl -X ${webhook.method} -H 'content-type: application/json' \\\n  -H "${header}: sha256=$SIG" -d "$BODY" \\\n  <the URL above>`}</code>
        </pre>
      ) : null}
      <div className="row">
        <Link className="button small" href={workspacePaths.webhook(slug, webhook.id)}>
          Open its delivery log
        </Link>
        <button type="button" className="button small" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

function CreateWebhookForm({ onCreated }: { onCreated: (webhook: CreatedWebhook) => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scheme, setScheme] = useState<SignatureScheme>("hmac-sha256");
  const schemeId = useId();
  const secretId = useId();
  const create = useMutation(
    trpc.webhook.create.mutationOptions({
      onSuccess: (webhook) => {
        onCreated(webhook);
        window.scrollTo({ top: 0, behavior: "smooth" });
        return queryClient.invalidateQueries({ queryKey: trpc.webhook.list.queryKey() });
      },
    }),
  );
  const failure = create.error ? formError(create.error) : undefined;
  const errors = failure?.fieldErrors ?? {};
  const shownErrorKeys = ["name", "workflowId", "slug", "allowedContentTypes", "answerMode", "resultTimeoutMs", "dedupeWindowSeconds", "maxBodyBytes", "rateLimit", "rateLimitWindowSeconds", "signatureHeader", "secret", "signatureScheme"];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const settings = readWebhookSettings(form, { editing: false });
    const secret = String(form.get("secret") ?? "").trim();
    const header = String(form.get("signatureHeader") ?? "").trim();
    create.mutate(
      {
        ...settings,
        workspaceId: workspace.id,
        workflowId: settings.workflowId ?? "",
        signatureScheme: scheme,
        secret: secret === "" ? undefined : secret,
        signatureHeader: scheme === "hmac-sha256" && header !== "" ? header : undefined,
      },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <section className="card" aria-labelledby="create-webhook-heading">
      <div className="card-header">
        <div>
          <h2 id="create-webhook-heading">Create a webhook</h2>
          <p className="muted">Integrations send requests to its URL (with the method its workflow's webhook trigger names, POST by default); each verified delivery starts a run of the target workflow and is kept in its delivery log.</p>
        </div>
      </div>
      <form className="stack" onSubmit={onSubmit} noValidate aria-labelledby="create-webhook-heading">
        {failure && !shownErrorKeys.some((key) => errors[key]) ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <div className="form-grid">
          <div className="field">
            <label htmlFor={schemeId}>Signature scheme</label>
            <select
              id={schemeId}
              className="input"
              name="signatureScheme"
              value={scheme}
              onChange={(event) => setScheme(event.currentTarget.value as SignatureScheme)}
              aria-describedby={`${schemeId}-hint`}
            >
              {schemes.map((value) => (
                <option key={value} value={value}>
                  {schemeInfo[value].label}
                </option>
              ))}
            </select>
            <span className="hint" id={`${schemeId}-hint`}>
              {schemeInfo[scheme].description}
            </span>
            {errors.signatureScheme ? (
              <span className="field-error" role="alert">
                {errors.signatureScheme.join(" ")}
              </span>
            ) : null}
          </div>
          {scheme === "none" ? null : (
            <div className="field">
              <label htmlFor={secretId}>Signing secret</label>
              <input
                id={secretId}
                className="input mono"
                name="secret"
                type="password"
                autoComplete="new-password"
                spellCheck={false}
                aria-invalid={Boolean(errors.secret)}
                aria-describedby={errors.secret ? `${secretId}-error` : `${secretId}-hint`}
              />
              {errors.secret ? (
                <span className="field-error" id={`${secretId}-error`} role="alert">
                  {errors.secret.join(" ")}
                </span>
              ) : (
                <span className="hint" id={`${secretId}-hint`}>
                  {scheme === "stripe" ? "Paste Stripe's signing secret." : "Leave empty to generate one; it is shown once."}
                </span>
              )}
            </div>
          )}
          {scheme === "hmac-sha256" ? <SignatureHeaderField errors={errors.signatureHeader} /> : null}
        </div>
        {scheme === "none" ? (
          <div className="alert error" role="note">
            Without a signature anyone who learns the URL can start runs of the workflow.
          </div>
        ) : null}
        <WebhookSettingsFields errors={errors} />
        <div>
          <button className="button primary" type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create webhook"}
          </button>
        </div>
      </form>
    </section>
  );
}

function WebhookList() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const webhooks = useQuery(trpc.webhook.list.queryOptions({ workspaceId: workspace.id }));
  const { names } = useWorkflowOptions();

  return (
    <section className="card" aria-labelledby="webhooks-heading">
      <div className="card-header">
        <div>
          <h2 id="webhooks-heading">Webhooks</h2>
          <p className="muted">Open a webhook to edit it, rotate its secret or see and replay its deliveries.</p>
        </div>
      </div>
      {webhooks.isPending ? (
        <Loading>Loading webhooks…</Loading>
      ) : webhooks.isError ? (
        <QueryError error={webhooks.error} what="webhooks" onRetry={() => void webhooks.refetch()} />
      ) : webhooks.data.length === 0 ? (
        <p className="empty">No webhooks yet. Create one to let other systems start your workflows.</p>
      ) : (
        <DataTable columns={["Webhook", "Path", "Workflow", "Signature", "Answer", "Status", "Created"]}>
          {webhooks.data.map((webhook) => (
            <tr key={webhook.id}>
              <td className="strong nowrap">
                <Link href={workspacePaths.webhook(workspace.slug, webhook.id)}>{webhook.name || webhook.slug}</Link>
              </td>
              <td>
                <code className="url-text">{webhook.path}</code>
              </td>
              <td className="nowrap">
                <Link href={workspacePaths.workflow(workspace.slug, webhook.workflowId)}>{names.get(webhook.workflowId) ?? "Open workflow"}</Link>
              </td>
              <td className="nowrap">{schemeInfo[webhook.signatureScheme].label}</td>
              <td className="nowrap">{webhook.answerMode === "result" ? "Run result" : "Accepted"}</td>
              <td>{webhook.active ? <span className="badge success">Active</span> : <span className="badge">Inactive</span>}</td>
              <td className="nowrap">
                <time dateTime={webhook.createdAt.toISOString()} title={formatDateTime(webhook.createdAt)}>
                  {formatDate(webhook.createdAt)}
                </time>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
