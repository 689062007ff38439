"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useId, useState, type FormEvent } from "react";
import type { RouterInputs, RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { CheckboxGroup, Field } from "../field";
import { formatDate, formatDateTime, timeFromNow } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { JsonViewer } from "../ui/json-view";
import { SecretBox } from "../ui/secret-box";
import { QueryView } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { useWorkspace } from "../workspace/workspace-context";
import { LoadMore } from "../ui/load-more";
import { DataTable } from "../ui/data-table";

type Event = RouterInputs["notificationSubscription"]["create"]["events"][number];
type Status = NonNullable<RouterInputs["notificationDelivery"]["list"]["status"]>;
type Created = RouterOutputs["notificationSubscription"]["create"];
type NotificationDelivery = RouterOutputs["notificationDelivery"]["list"]["items"][number];

const events: { value: Event; description: string }[] = [
  { value: "run.succeeded", description: "A run finished successfully" },
  { value: "run.failed", description: "A run failed (after its retries)" },
  { value: "run.dead_lettered", description: "A run was given up and moved to the dead-letter list" },
];
const statusBadge: Record<Status, string> = { pending: "badge accent", delivered: "badge success", failed: "badge danger" };

/** Outbound notifications: URLs subscribed to run events, signed with Standard Webhooks, and their delivery log. */
export function NotificationsSettings() {
  const [created, setCreated] = useState<Created>();
  return (
    <>
      <CreateSubscriptionForm created={created} onCreated={setCreated} />
      <SubscriptionList />
      <NotificationLog />
      <CallbackSecret />
    </>
  );
}

function CreateSubscriptionForm({ created, onCreated }: { created: Created | undefined; onCreated: (created: Created | undefined) => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.notificationSubscription.create.mutationOptions({
      onSuccess: (subscription) => {
        onCreated(subscription);
        return queryClient.invalidateQueries({ queryKey: trpc.notificationSubscription.list.queryKey() });
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
      { workspaceId: workspace.id, url: String(form.get("url") ?? "").trim(), events: form.getAll("events").map(String) as Event[], active: true },
      { onSuccess: () => formElement.reset() },
    );
  }

  const eventsError = failure?.fieldErrors.events;
  return (
    <section className="card" aria-labelledby="subscribe-heading">
      <div className="card-header">
        <div>
          <h2 id="subscribe-heading">Subscribe a URL</h2>
          <p className="muted">
            Trellis POSTs a JSON event signed with the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> scheme, retrying with backoff until the
            receiver answers 2xx. Private network addresses are refused.
          </p>
        </div>
      </div>
      {created ? (
        <div className="stack created before">
          <div className="alert success" role="status">
            <strong>Subscribed {created.url}.</strong> Copy its signing secret now: it will not be shown again.
          </div>
          <SecretBox label="Notification signing secret" value={created.secret} />
          <div>
            <button type="button" className="button small" onClick={() => onCreated(undefined)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <form className="stack" onSubmit={onSubmit} noValidate aria-labelledby="subscribe-heading">
        {failure && !failure.fieldErrors.url && !eventsError ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <div className="narrow">
          <Field label="URL" name="url" type="url" placeholder="https://example.com/hooks/trellis" required autoComplete="off" spellCheck={false} errors={failure?.fieldErrors.url} />
        </div>
        <CheckboxGroup
          legend="Events"
          name="events"
          options={events.map((event) => ({ value: event.value, description: event.description, checked: event.value !== "run.succeeded" }))}
          errors={eventsError}
        />
        <div>
          <button className="button primary" type="submit" disabled={create.isPending}>
            {create.isPending ? "Subscribing…" : "Subscribe"}
          </button>
        </div>
      </form>
    </section>
  );
}

function SubscriptionList() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const subscriptions = useQuery(trpc.notificationSubscription.list.queryOptions({ workspaceId: workspace.id }));
  const remove = useMutation(
    trpc.notificationSubscription.delete.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notificationSubscription.list.queryKey() }),
    }),
  );
  return (
    <section className="card" aria-labelledby="subscriptions-heading">
      <div className="card-header">
        <div>
          <h2 id="subscriptions-heading">Subscriptions</h2>
          <p className="muted">Deleting a subscription gives up its pending deliveries.</p>
        </div>
      </div>
      <QueryView query={subscriptions} loading="Loading subscriptions…" what="subscriptions" isEmpty={(data) => data.length === 0} empty={<p className="empty">No subscriptions yet. Subscribe a URL above to hear when runs finish.</p>}>
        {(data) => (
          <DataTable columns={["URL", "Events", "Status", "Created"]} actions="Actions">
            {data.map((subscription) => (
              <tr key={subscription.id}>
                <td className="mono break">{subscription.url}</td>
                <td>
                  <span className="badge-list">
                    {subscription.events.map((event) => (
                      <span className="badge mono" key={event}>
                        {event}
                      </span>
                    ))}
                  </span>
                </td>
                <td>{subscription.active ? <span className="badge success">Active</span> : <span className="badge">Inactive</span>}</td>
                <td className="nowrap">
                  <time dateTime={subscription.createdAt.toISOString()} title={formatDateTime(subscription.createdAt)}>
                    {formatDate(subscription.createdAt)}
                  </time>
                </td>
                <td className="actions">
                  <ConfirmButton
                    label={`Delete the subscription of ${subscription.url}`}
                    title="Delete subscription?"
                    description={<p>{subscription.url} will receive no more notifications; its pending deliveries are given up.</p>}
                    confirmLabel="Delete subscription"
                    onConfirm={() => remove.mutateAsync({ workspaceId: workspace.id, subscriptionId: subscription.id })}
                  >
                    Delete
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}

function NotificationLog() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status | "">("");
  const [open, setOpen] = useState<string | null>(null);
  const filterId = useId();
  const deliveries = useInfiniteQuery(
    trpc.notificationDelivery.list.infiniteQueryOptions(
      { workspaceId: workspace.id, limit: 20, ...(status ? { status } : {}) },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, staleTime: 5_000 },
    ),
  );
  const items = deliveries.data?.pages.flatMap((page) => page.items) ?? [];
  const now = deliveries.dataUpdatedAt;
  return (
    <section className="card" aria-labelledby="notification-log-heading">
      <div className="card-header">
        <div>
          <h2 id="notification-log-heading">Delivery log</h2>
          <p className="muted">Notifications to subscriptions and to runs&apos; callback URLs, newest first.</p>
        </div>
        <div className="row">
          <label className="sr-only" htmlFor={filterId}>
            Show notifications
          </label>
          <select id={filterId} className="input compact" value={status} onChange={(event) => setStatus(event.currentTarget.value as Status | "")}>
            <option value="">All states</option>
            <option value="pending">Pending</option>
            <option value="delivered">Delivered</option>
            <option value="failed">Failed</option>
          </select>
          <button type="button" className="button small" onClick={() => void deliveries.refetch()} disabled={deliveries.isFetching}>
            Refresh
          </button>
        </div>
      </div>
      <QueryView query={deliveries} loading="Loading notifications…" what="notifications" isEmpty={() => items.length === 0} empty={<p className="empty">{status ? "No notifications in this state." : "No notifications sent yet."}</p>}>
        {() => (
          <DataTable columns={["Created", "Event", "URL", "State", "Attempts"]} actions="Details" after={<LoadMore query={deliveries} label="Load older notifications" />}>
            {items.map((delivery) => (
              <Fragment key={delivery.id}>
                <tr>
                  <td className="nowrap">
                    <time dateTime={delivery.createdAt.toISOString()} title={formatDateTime(delivery.createdAt)}>
                      {timeFromNow(delivery.createdAt, now)}
                    </time>
                  </td>
                  <td className="mono nowrap">{delivery.event}</td>
                  <td className="mono break">{delivery.url}</td>
                  <td>
                    <span className={statusBadge[delivery.status]}>{delivery.status}</span>
                    {delivery.lastStatusCode ? <span className="muted small"> {delivery.lastStatusCode}</span> : null}
                  </td>
                  <td className="nowrap">{delivery.attempts}</td>
                  <td className="actions">
                    <button type="button" className="button small" aria-expanded={open === delivery.id} onClick={() => setOpen(open === delivery.id ? null : delivery.id)} aria-label={`Details of the ${delivery.event} notification of ${formatDateTime(delivery.createdAt)}`}>
                      Details
                    </button>
                  </td>
                </tr>
                {open === delivery.id ? (
                  <tr className="detail-row">
                    <td colSpan={6}>
                      <NotificationDetails delivery={delivery} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}

function NotificationDetails({ delivery }: { delivery: NotificationDelivery }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replay = useMutation(
    trpc.notificationDelivery.replay.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.notificationDelivery.list.pathKey() }),
    }),
  );
  return (
    <div className="delivery-details">
      <dl className="details">
        {delivery.lastError ? (
          <>
            <dt>Last error</dt>
            <dd className="field-error">{delivery.lastError}</dd>
          </>
        ) : null}
        {delivery.status === "pending" ? (
          <>
            <dt>Next attempt</dt>
            <dd>{formatDateTime(delivery.nextAttemptAt)}</dd>
          </>
        ) : null}
        {delivery.deliveredAt ? (
          <>
            <dt>Delivered</dt>
            <dd>{formatDateTime(delivery.deliveredAt)}</dd>
          </>
        ) : null}
        <dt>webhook-id</dt>
        <dd className="mono">{delivery.id}</dd>
      </dl>
      <h3 className="section-title">Payload</h3>
      <JsonViewer value={delivery.payload} label="Notification payload" />
      <div className="row">
        {delivery.runId ? (
          <Link className="button small" href={workspacePaths.run(workspace.slug, delivery.runId)}>
            Open run
          </Link>
        ) : null}
        <button type="button" className="button small primary" disabled={replay.isPending} onClick={() => replay.mutate({ workspaceId: workspace.id, deliveryId: delivery.id })}>
          {replay.isPending ? "Sending…" : "Send again"}
        </button>
        {replay.isSuccess ? (
          <span className="muted small" role="status">
            Queued for delivery.
          </span>
        ) : null}
      </div>
      {replay.error ? (
        <div className="alert error" role="alert">
          Could not send again: {formError(replay.error).message}
        </div>
      ) : null}
    </div>
  );
}

/** The secret that signs notifications to runs' own callback URLs; fetched only when asked for. */
function CallbackSecret() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const [shown, setShown] = useState(false);
  const secret = useQuery(trpc.notificationSubscription.callbackSecret.queryOptions({ workspaceId: workspace.id }, { enabled: shown, staleTime: Number.POSITIVE_INFINITY }));
  return (
    <section className="card" aria-labelledby="callback-heading">
      <div className="card-header">
        <div>
          <h2 id="callback-heading">Run callback secret</h2>
          <p className="muted">A run started with a callback URL notifies it when it finishes, signed with this workspace secret.</p>
        </div>
        {shown ? null : (
          <button type="button" className="button small" onClick={() => setShown(true)}>
            Show secret
          </button>
        )}
      </div>
      {!shown ? null : (
        <QueryView query={secret} loading="Loading the secret…" what="the callback secret">
          {(data) => (
            <SecretBox label="Run callback secret" value={data.secret} />
          )}
        </QueryView>
      )}
    </section>
  );
}
