"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { RouterInputs, RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { CheckboxGroup, Field } from "../field";
import { formatDate, formatDateTime, timeFromNow } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { SecretBox } from "../ui/secret-box";
import { QueryView } from "../ui/status";
import { useWorkspace } from "../workspace/workspace-context";
import { DataTable } from "../ui/data-table";

type Scope = RouterInputs["apiKey"]["create"]["scopes"][number];
type CreatedKey = RouterOutputs["apiKey"]["create"] & { origin: string };

const scopeDescriptions: Record<string, string> = {
  "workspace:read": "Read the workspace's details",
  "workflows:read": "List and read workflows",
  "workflows:write": "Create, change and delete workflows",
  "runs:read": "Read runs and their steps",
  "runs:write": "Start, cancel and retry runs",
  "secrets:write": "Create and change secrets",
  "schedules:write": "Manage schedules",
  "webhooks:write": "Manage webhooks",
};

const defaultScopes = new Set<string>(["workspace:read"]);

export function ApiKeysSettings({ scopes }: { scopes: Scope[] }) {
  const [created, setCreated] = useState<CreatedKey>();
  return (
    <>
      <CreateKeyForm scopes={scopes} created={created} onCreated={setCreated} />
      <KeyList />
    </>
  );
}

function CreateKeyForm({
  scopes,
  created,
  onCreated,
}: {
  scopes: Scope[];
  created: CreatedKey | undefined;
  onCreated: (key: CreatedKey | undefined) => void;
}) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.apiKey.create.mutationOptions({
      onSuccess: (key) => {
        onCreated({ ...key, origin: window.location.origin });
        return queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() });
      },
    }),
  );
  const failure = create.error ? formError(create.error) : undefined;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    onCreated(undefined);
    create.mutate(
      {
        workspaceId: workspace.id,
        name: String(form.get("name") ?? ""),
        scopes: form.getAll("scopes").map(String) as Scope[],
      },
      { onSuccess: () => formElement.reset() },
    );
  }

  const scopesError = failure?.fieldErrors.scopes;
  return (
    <section className="card" aria-labelledby="create-key-heading">
      <div className="card-header">
        <div>
          <h2 id="create-key-heading">Create a key</h2>
          <p className="muted">
            Keys call the REST API as this workspace. Give each script or CI job its own key with only the scopes it needs.
          </p>
        </div>
      </div>
      {created ? (
        <div className="stack created before">
          <div className="alert success" role="status">
            <strong>Key “{created.name}” created.</strong> Copy it now: it will not be shown again.
          </div>
          <SecretBox label="API key" value={created.key} />
          <p className="muted small">Send it in the Authorization header. With the workspace:read scope, for example:</p>
          <pre className="code-block">
            <code>{`curl -H "Authorization: Bearer $TRELLIS_API_KEY" \\\n  ${created.origin}/api/v1/workspace`}</code>
          </pre>
          <div>
            <button type="button" className="button small" onClick={() => onCreated(undefined)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <form className="stack" onSubmit={onSubmit} noValidate aria-labelledby="create-key-heading">
        {failure && !failure.fieldErrors.name && !scopesError ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <div className="narrow">
          <Field label="Name" name="name" placeholder="e.g. CI deploys" maxLength={80} required autoComplete="off" errors={failure?.fieldErrors.name} />
        </div>
        <CheckboxGroup
          legend="Scopes"
          name="scopes"
          options={scopes.map((scope) => ({ value: scope, description: scopeDescriptions[scope] ?? "", checked: defaultScopes.has(scope) }))}
          errors={scopesError}
        />
        <div>
          <button className="button primary" type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create key"}
          </button>
        </div>
      </form>
    </section>
  );
}

function KeyList() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKey.list.queryOptions({ workspaceId: workspace.id }));
  const revoke = useMutation(
    trpc.apiKey.revoke.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() }),
    }),
  );
  // When the list was fetched: "5 minutes ago" is relative to that, not to each render.
  const now = keys.dataUpdatedAt;

  return (
    <section className="card" aria-labelledby="keys-heading">
      <div className="card-header">
        <div>
          <h2 id="keys-heading">Keys</h2>
          <p className="muted">Only a prefix of each key is stored in readable form. Revoked keys are refused at once.</p>
        </div>
      </div>
      <QueryView query={keys} loading="Loading API keys…" what="API keys" isEmpty={(data) => data.length === 0} empty={<p className="empty">No API keys yet. Create one above to call the REST API.</p>}>
        {(data) => (
          <DataTable columns={["Name", "Key", "Scopes", "Last used", "Created", "Status"]} actions="Actions">
            {data.map((key) => (
              <tr key={key.id} className={key.revokedAt ? "revoked" : undefined}>
                <td className="strong nowrap">{key.name}</td>
                <td className="nowrap">
                  <code>{key.prefix}…</code>
                </td>
                <td>
                  <span className="badge-list">
                    {key.scopes.map((scope) => (
                      <span className="badge mono" key={scope}>
                        {scope}
                      </span>
                    ))}
                  </span>
                </td>
                <td className="nowrap">
                  {key.lastUsedAt ? (
                    <time dateTime={key.lastUsedAt.toISOString()} title={formatDateTime(key.lastUsedAt)}>
                      {timeFromNow(key.lastUsedAt, now)}
                    </time>
                  ) : (
                    <span className="muted">never</span>
                  )}
                </td>
                <td className="nowrap">
                  <time dateTime={key.createdAt.toISOString()} title={formatDateTime(key.createdAt)}>
                    {formatDate(key.createdAt)}
                  </time>
                </td>
                <td>
                  {key.revokedAt ? (
                    <span className="badge danger" title={`Revoked ${formatDateTime(key.revokedAt)}`}>
                      Revoked
                    </span>
                  ) : (
                    <span className="badge success">Active</span>
                  )}
                </td>
                <td className="actions">
                  {key.revokedAt ? null : (
                    <ConfirmButton
                      label={`Revoke ${key.name}`}
                      title="Revoke API key?"
                      description={
                        <p>
                          Requests made with “{key.name}” (<code>{key.prefix}…</code>) will be refused with 401 from now on.
                          This cannot be undone.
                        </p>
                      }
                      confirmLabel="Revoke key"
                      onConfirm={() => revoke.mutateAsync({ workspaceId: workspace.id, apiKeyId: key.id })}
                    >
                      Revoke
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}
