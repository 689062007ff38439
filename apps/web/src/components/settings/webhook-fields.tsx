"use client";

import { useId, useState } from "react";
import type { RouterInputs, RouterOutputs } from "@trellis/api";
import { FieldError } from "../field";
import { CopyButton } from "../ui/copy-button";
import { useOrigin } from "../ui/use-origin";
import { WorkflowSelect } from "./workflow-options";

export type Webhook = RouterOutputs["webhook"]["list"][number];
export type SignatureScheme = RouterInputs["webhook"]["create"]["signatureScheme"];
type Settings = Omit<RouterInputs["webhook"]["update"], "webhookId" | "workspaceId">;

/** How each scheme signs, in the words a sender's documentation uses. */
export const schemeInfo: Record<SignatureScheme, { label: string; description: string }> = {
  "hmac-sha256": { label: "HMAC-SHA256", description: "A hex HMAC-SHA256 of the raw body in a header, as sha256=<hex>." },
  "standard-webhooks": { label: "Standard Webhooks", description: "webhook-id, webhook-timestamp and webhook-signature headers (standardwebhooks.com); stale timestamps are refused." },
  stripe: { label: "Stripe", description: "The Stripe-Signature header; paste the endpoint's signing secret (whsec_…) from Stripe's dashboard." },
  github: { label: "GitHub", description: "The X-Hub-Signature-256 header; enter the same secret in GitHub's webhook settings." },
  none: { label: "None", description: "No verification: anyone who knows the URL can start runs. The slug is the only credential." },
};
export const schemes = Object.keys(schemeInfo) as SignatureScheme[];

/** The signature header of a webhook, as senders must send it. */
export function signatureHeaderOf(webhook: Pick<Webhook, "signatureScheme" | "signatureHeader">): string | null {
  switch (webhook.signatureScheme) {
    case "hmac-sha256":
      return webhook.signatureHeader ?? "x-trellis-signature";
    case "standard-webhooks":
      return "webhook-signature";
    case "stripe":
      return "Stripe-Signature";
    case "github":
      return "X-Hub-Signature-256";
    case "none":
      return null;
  }
}

/** The endpoint's full URL, with the method its workflow's webhook trigger listens on, and a Copy button. */
export function EndpointUrl({ path, method = "POST", label = "Endpoint URL" }: { path: string; method?: string; label?: string }) {
  const origin = useOrigin();
  const url = `${origin}${path}`;
  return (
    <div className="url-row">
      <span className="badge mono" title="The method the workflow's webhook trigger listens on; others answer 405">
        {method}
      </span>
      <input className="input url-input mono" aria-label={label} value={url} readOnly spellCheck={false} onFocus={(event) => event.currentTarget.select()} />
      <CopyButton value={url} />
    </div>
  );
}

type FieldErrors = Record<string, string[]>;

/** A labelled control whose errors are announced; `children` renders the control with the ids it needs. */
function Control({
  label,
  hint,
  errors,
  children,
}: {
  label: string;
  hint?: string;
  errors: string[] | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => React.ReactNode;
}) {
  const id = useId();
  const invalid = Boolean(errors?.length);
  const describedBy = invalid ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy, invalid })}
      {hint && !invalid ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}

/**
 * The settings a webhook has whether it is being created or edited: target,
 * slug, accepted content types, answer mode, state and limits.
 */
export function WebhookSettingsFields({ webhook, errors }: { webhook?: Webhook; errors: FieldErrors }) {
  const [answerMode, setAnswerMode] = useState(webhook?.answerMode ?? "accepted");
  const uid = useId();
  return (
    <>
      <div className="form-grid">
        <Control label="Name" errors={errors.name} hint="For people: shown in lists and the log.">
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" name="name" maxLength={120} defaultValue={webhook?.name ?? ""} autoComplete="off" aria-invalid={invalid} aria-describedby={describedBy} />
          )}
        </Control>
        <Control label="Target workflow" errors={errors.workflowId} hint="Each delivery starts a run of its published version.">
          {({ id, describedBy, invalid }) => <WorkflowSelect id={id} name="workflowId" defaultValue={webhook?.workflowId} invalid={invalid} describedBy={describedBy} />}
        </Control>
        <Control label="Slug" errors={errors.slug} hint={webhook ? "Changing it changes the URL senders must use." : "Part of the URL; leave empty for an unguessable random one."}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className="input mono"
              name="slug"
              placeholder="stripe-payments"
              defaultValue={webhook?.slug ?? ""}
              maxLength={64}
              autoComplete="off"
              spellCheck={false}
              required={Boolean(webhook)}
              aria-invalid={invalid}
              aria-describedby={describedBy}
            />
          )}
        </Control>
        <Control label="Allowed content types" errors={errors.allowedContentTypes} hint="Comma-separated; type/* and */* are wildcards. Others answer 415.">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className="input mono"
              name="allowedContentTypes"
              defaultValue={(webhook?.allowedContentTypes ?? ["application/json"]).join(", ")}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={invalid}
              aria-describedby={describedBy}
            />
          )}
        </Control>
      </div>

      <fieldset className="fieldset">
        <legend>Answer</legend>
        <div className="check-grid">
          <div className="check">
            <input id={`${uid}-accepted`} type="radio" name="answerMode" value="accepted" checked={answerMode === "accepted"} onChange={() => setAnswerMode("accepted")} />
            <label htmlFor={`${uid}-accepted`}>Accepted at once</label>
            <span className="hint">202 with the run&apos;s location as soon as the delivery is stored.</span>
          </div>
          <div className="check">
            <input id={`${uid}-result`} type="radio" name="answerMode" value="result" checked={answerMode === "result"} onChange={() => setAnswerMode("result")} />
            <label htmlFor={`${uid}-result`}>With the run&apos;s result</label>
            <span className="hint">Waits for the run and answers its output; 202 if it takes longer than the timeout.</span>
          </div>
        </div>
        <FieldError id={`${uid}-answer-error`} errors={errors.answerMode} />
      </fieldset>
      {answerMode === "result" ? (
        <div className="narrow">
          <Control label="Result timeout (ms)" errors={errors.resultTimeoutMs} hint="100 to 30000.">
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" type="number" name="resultTimeoutMs" min={100} max={30_000} step={100} defaultValue={webhook?.resultTimeoutMs ?? 10_000} aria-invalid={invalid} aria-describedby={describedBy} />
            )}
          </Control>
        </div>
      ) : (
        <input type="hidden" name="resultTimeoutMs" value={webhook?.resultTimeoutMs ?? ""} />
      )}

      <div className="check-row">
        <input id={`${uid}-active`} type="checkbox" name="active" defaultChecked={webhook?.active ?? true} />
        <label htmlFor={`${uid}-active`}>Active</label>
        <span className="hint">An inactive webhook answers 404 and starts nothing.</span>
      </div>

      <details className="advanced">
        <summary>Limits and deduplication</summary>
        <div className="form-grid">
          <Control label="Deduplication window (seconds)" errors={errors.dedupeWindowSeconds} hint="A repeated delivery id (or body) inside it gets the first run; 0 turns it off.">
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" type="number" name="dedupeWindowSeconds" min={0} defaultValue={webhook?.dedupeWindowSeconds ?? 86_400} aria-invalid={invalid} aria-describedby={describedBy} />
            )}
          </Control>
          <Control label="Maximum body size (bytes)" errors={errors.maxBodyBytes} hint="Larger bodies answer 413 (1048576 = 1 MiB).">
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" type="number" name="maxBodyBytes" min={1} defaultValue={webhook?.maxBodyBytes ?? 1_048_576} aria-invalid={invalid} aria-describedby={describedBy} />
            )}
          </Control>
          <Control label="Rate limit (deliveries per window)" errors={errors.rateLimit} hint="Empty: the server's default policy.">
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" type="number" name="rateLimit" min={1} defaultValue={webhook?.rateLimit ?? ""} aria-invalid={invalid} aria-describedby={describedBy} />
            )}
          </Control>
          <Control label="Rate limit window (seconds)" errors={errors.rateLimitWindowSeconds} hint="60 when only the limit is set.">
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" type="number" name="rateLimitWindowSeconds" min={1} defaultValue={webhook?.rateLimitWindowSeconds ?? ""} aria-invalid={invalid} aria-describedby={describedBy} />
            )}
          </Control>
        </div>
      </details>
    </>
  );
}

/** The scheme-specific signature header field (hmac-sha256 only). */
export function SignatureHeaderField({ defaultValue, errors }: { defaultValue?: string | null; errors: string[] | undefined }) {
  return (
    <Control label="Signature header" errors={errors} hint="The header carrying sha256=<hex>; x-trellis-signature when empty.">
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          className="input mono"
          name="signatureHeader"
          placeholder="x-trellis-signature"
          defaultValue={defaultValue ?? ""}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        />
      )}
    </Control>
  );
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
/** A number field: undefined when empty (the server's default), NaN becomes a validation error server-side. */
const numberOrUndefined = (form: FormData, name: string) => (text(form, name) === "" ? undefined : Number(text(form, name)));

/** The settings fields of a submitted form, as the create and update procedures take them. */
export function readWebhookSettings(form: FormData, options: { editing: boolean }): Settings {
  const rateLimit = numberOrUndefined(form, "rateLimit");
  const rateLimitWindowSeconds = numberOrUndefined(form, "rateLimitWindowSeconds");
  const slug = text(form, "slug");
  return {
    name: text(form, "name"),
    workflowId: text(form, "workflowId") || undefined,
    slug: slug === "" && !options.editing ? undefined : slug,
    allowedContentTypes: text(form, "allowedContentTypes")
      .split(/[\s,]+/)
      .filter(Boolean),
    answerMode: text(form, "answerMode") === "result" ? "result" : "accepted",
    resultTimeoutMs: numberOrUndefined(form, "resultTimeoutMs"),
    active: form.get("active") !== null,
    dedupeWindowSeconds: numberOrUndefined(form, "dedupeWindowSeconds"),
    maxBodyBytes: numberOrUndefined(form, "maxBodyBytes"),
    // Empty clears an override when editing; on creation it means the default anyway.
    rateLimit: rateLimit ?? null,
    rateLimitWindowSeconds: rateLimitWindowSeconds ?? null,
  };
}
