"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useId, useState } from "react";
import type { RouterInputs, RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { formatDateTime, timeFromNow } from "../format";
import { BodyViewer } from "../ui/json-view";
import { Loading, QueryError } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { DataTable } from "../ui/data-table";
import { LoadMore } from "../ui/load-more";

type Delivery = RouterOutputs["webhook"]["deliveries"]["items"][number];
type Verdict = NonNullable<RouterInputs["webhook"]["deliveries"]["verdict"]>;

const verdictBadge: Record<Verdict, string> = { accepted: "badge success", duplicate: "badge accent", rejected: "badge danger" };
const verdictLabel: Record<Verdict, string> = { accepted: "Accepted", duplicate: "Duplicate", rejected: "Rejected" };

/** A webhook's deliveries, newest first: what arrived, what it was answered, the run it started; replay for editors. */
export function WebhookDeliveries({ webhookId }: { webhookId: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [verdict, setVerdict] = useState<Verdict | "">("");
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string>();
  const filterId = useId();
  const deliveries = useInfiniteQuery(
    trpc.webhook.deliveries.infiniteQueryOptions(
      { workspaceId: workspace.id, webhookId, limit: 20, ...(verdict ? { verdict } : {}) },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, staleTime: 5_000 },
    ),
  );
  const items = deliveries.data?.pages.flatMap((page) => page.items) ?? [];
  const now = deliveries.dataUpdatedAt;

  return (
    <section className="card" aria-labelledby="deliveries-heading">
      <div className="card-header">
        <div>
          <h2 id="deliveries-heading">Delivery log</h2>
          <p className="muted">Every request that reached this webhook, with credentials and signatures redacted from its headers.</p>
        </div>
        <div className="row">
          <label className="sr-only" htmlFor={filterId}>
            Show deliveries
          </label>
          <select id={filterId} className="input compact" value={verdict} onChange={(event) => setVerdict(event.currentTarget.value as Verdict | "")}>
            <option value="">All verdicts</option>
            <option value="accepted">Accepted</option>
            <option value="duplicate">Duplicates</option>
            <option value="rejected">Rejected</option>
          </select>
          <button type="button" className="button small" onClick={() => void deliveries.refetch()} disabled={deliveries.isFetching}>
            {deliveries.isFetching && !deliveries.isFetchingNextPage ? "Refreshing…" : "Refresh"}
          </button>
        </div>
      </div>
      {notice ? (
        <div className="alert success before" role="status">
          {notice}
        </div>
      ) : null}
      {deliveries.isPending ? (
        <Loading>Loading deliveries…</Loading>
      ) : deliveries.isError ? (
        <QueryError error={deliveries.error} what="deliveries" onRetry={() => void deliveries.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">{verdict ? "No deliveries with this verdict." : "No deliveries yet. Requests posted to the URL above appear here."}</p>
      ) : (
        <DataTable columns={["Received", "Verdict", "Answer", "Content type", "Run"]} actions="Details" className="delivery-table" after={<LoadMore query={deliveries} label="Load older deliveries" />}>
          {items.map((delivery) => (
            <Fragment key={delivery.id}>
              <tr className={open === delivery.id ? "expanded" : undefined}>
                <td className="nowrap">
                  <time dateTime={delivery.receivedAt.toISOString()} title={formatDateTime(delivery.receivedAt)}>
                    {timeFromNow(delivery.receivedAt, now)}
                  </time>
                  {delivery.replayOf ? <span className="badge small-badge">Replay</span> : null}
                </td>
                <td>
                  <span className={verdictBadge[delivery.verdict]}>{verdictLabel[delivery.verdict]}</span>
                </td>
                <td className="nowrap mono">{delivery.statusCode}</td>
                <td className="nowrap mono">{delivery.contentType ?? "—"}</td>
                <td className="nowrap">
                  {delivery.runId ? (
                    <Link className="mono" href={workspacePaths.run(workspace.slug, delivery.runId)} title={delivery.runId}>
                      {delivery.runId.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="muted">{delivery.reason ? "none" : "—"}</span>
                  )}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="button small"
                    aria-expanded={open === delivery.id}
                    aria-controls={`delivery-${delivery.id}`}
                    aria-label={`Details of the ${verdictLabel[delivery.verdict].toLowerCase()} delivery received ${formatDateTime(delivery.receivedAt)}`}
                    onClick={() => setOpen(open === delivery.id ? null : delivery.id)}
                  >
                    Details
                  </button>
                </td>
              </tr>
              {open === delivery.id ? (
                <tr className="detail-row" id={`delivery-${delivery.id}`}>
                  <td colSpan={6}>
                    <DeliveryDetails
                      delivery={delivery}
                      onReplayed={(replayed) => {
                        setOpen(null);
                        setNotice(replayed.runId ? `Replayed: the delivery started run ${replayed.runId.slice(0, 8)}.` : "Replayed.");
                      }}
                    />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function DeliveryDetails({ delivery, onReplayed }: { delivery: Delivery; onReplayed: (replayed: Delivery) => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canReplay = hasRole(workspace.role, "editor") && delivery.verdict !== "rejected" && delivery.body !== null;
  const replay = useMutation(
    trpc.webhook.replayDelivery.mutationOptions({
      onSuccess: async (replayed) => {
        await queryClient.invalidateQueries({ queryKey: trpc.webhook.deliveries.pathKey() });
        onReplayed(replayed);
      },
    }),
  );
  const headers = Object.entries(delivery.headers).sort(([a], [b]) => a.localeCompare(b));
  const query = Object.entries(delivery.query);
  return (
    <div className="delivery-details">
      {delivery.reason ? (
        <div className="alert error" role="note">
          <strong>Refused ({delivery.statusCode}):</strong> {delivery.reason}
        </div>
      ) : null}
      <div className="delivery-columns">
        <div>
          <h3 className="section-title">Headers</h3>
          <table className="table compact-table" aria-label="Request headers">
            <tbody>
              {headers.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row" className="mono">
                    {name}
                  </th>
                  <td className="mono break">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {query.length > 0 ? (
            <>
              <h3 className="section-title">Query</h3>
              <table className="table compact-table" aria-label="Query parameters">
                <tbody>
                  {query.map(([name, value]) => (
                    <tr key={name}>
                      <th scope="row" className="mono">
                        {name}
                      </th>
                      <td className="mono break">{value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </div>
        <div>
          <h3 className="section-title">Body</h3>
          {delivery.body === null ? (
            <p className="muted small">Not stored: refused deliveries keep no body.</p>
          ) : (
            <BodyViewer body={delivery.body} contentType={delivery.contentType} label="Delivery body" />
          )}
        </div>
      </div>
      <div className="row">
        {delivery.runId ? (
          <Link className="button small" href={workspacePaths.run(workspace.slug, delivery.runId)}>
            Open run
          </Link>
        ) : null}
        {canReplay ? (
          <button
            type="button"
            className="button small primary"
            onClick={() => replay.mutate({ workspaceId: workspace.id, webhookId: delivery.webhookId, deliveryId: delivery.id })}
            disabled={replay.isPending}
          >
            {replay.isPending ? "Replaying…" : "Replay"}
          </button>
        ) : null}
        <span className="muted small">
          Delivery <code>{delivery.id}</code>
        </span>
      </div>
      {replay.error ? (
        <div className="alert error" role="alert">
          Could not replay: {formError(replay.error).message}
        </div>
      ) : null}
    </div>
  );
}
