"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useMemo, useState, type FormEvent } from "react";
import type { RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { ConfirmButton } from "../ui/confirm-button";
import { NeedsRole, QueryView } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { useWorkflowOptions, WorkflowSelect } from "./workflow-options";

type Schedule = RouterOutputs["schedule"]["list"][number];
type FieldErrors = Record<string, string[]>;

/** A slot in the schedule's own zone, e.g. "Mon, Nov 30, 09:00". */
function formatSlot(date: Date, timezone: string): string {
  try {
    return new Intl.DateTimeFormat("en", { weekday: "short", month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timezone }).format(date);
  } catch {
    return date.toISOString();
  }
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC"];
  }
}

/** Schedules: cron patterns that start runs, each with its next five slots; editors manage them. */
export function SchedulesSettings() {
  const { role } = useWorkspace();
  const canEdit = hasRole(role, "editor");
  return (
    <>
      <ScheduleList canEdit={canEdit} />
      {canEdit ? <CreateScheduleForm /> : <NeedsRole role="editor" action="create, change, pause or delete schedules" />}
    </>
  );
}

/** Cron, zone, name and input: shared by creation and editing. */
function ScheduleFields({ schedule, errors }: { schedule?: Schedule; errors: FieldErrors }) {
  const id = useId();
  const zones = useMemo(() => timeZones(), []);
  const field = (name: string, label: string, control: React.ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      {control}
      {errors[name]?.length ? (
        <span className="field-error" id={`${id}-${name}-error`} role="alert">
          {errors[name].join(" ")}
        </span>
      ) : hint ? (
        <span className="hint" id={`${id}-${name}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
  const describe = (name: string, hint: boolean) => (errors[name]?.length ? `${id}-${name}-error` : hint ? `${id}-${name}-hint` : undefined);
  return (
    <div className="form-grid">
      {field(
        "cron",
        "Cron pattern",
        <input
          id={`${id}-cron`}
          className="input mono"
          name="cron"
          required
          placeholder="*/15 * * * *"
          defaultValue={schedule?.cron ?? ""}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={Boolean(errors.cron)}
          aria-describedby={describe("cron", true)}
        />,
        "5 or 6 fields: minute hour day month weekday (e.g. 0 9 * * 1-5).",
      )}
      {field(
        "timezone",
        "Time zone",
        <>
          <input
            id={`${id}-timezone`}
            className="input"
            name="timezone"
            list={`${id}-zones`}
            defaultValue={schedule?.timezone ?? "UTC"}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={Boolean(errors.timezone)}
            aria-describedby={describe("timezone", true)}
          />
          <datalist id={`${id}-zones`}>
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </>,
        "An IANA zone such as Europe/Paris; slots follow its daylight saving.",
      )}
      {field(
        "name",
        "Name",
        <input id={`${id}-name`} className="input" name="name" maxLength={120} defaultValue={schedule?.name ?? ""} autoComplete="off" aria-invalid={Boolean(errors.name)} aria-describedby={describe("name", false)} />,
      )}
      {field(
        "input",
        "Run input (JSON)",
        <textarea
          id={`${id}-input`}
          className="input textarea mono"
          name="input"
          rows={2}
          placeholder='{"report": "daily"}'
          defaultValue={schedule?.input === null || schedule?.input === undefined ? "" : JSON.stringify(schedule.input, null, 2)}
          spellCheck={false}
          aria-invalid={Boolean(errors.input)}
          aria-describedby={describe("input", true)}
        />,
        "Optional: what each run receives as its trigger input.",
      )}
    </div>
  );
}

/** The JSON input field, parsed here so a typo is said next to the field rather than by the server. */
function readInput(form: FormData): { ok: true; value: RouterOutputs["schedule"]["get"]["input"] } | { ok: false; message: string } {
  const raw = String(form.get("input") ?? "").trim();
  if (raw === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) as RouterOutputs["schedule"]["get"]["input"] };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : "parse error"}` };
  }
}

function CreateScheduleForm() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workflowId = useId();
  const [inputError, setInputError] = useState<string>();
  const [created, setCreated] = useState<string>();
  const create = useMutation(
    trpc.schedule.create.mutationOptions({
      onSuccess: (schedule) => {
        setCreated(schedule.name || schedule.cron);
        return queryClient.invalidateQueries({ queryKey: trpc.schedule.list.queryKey() });
      },
    }),
  );
  const failure = create.error ? formError(create.error) : undefined;
  const errors: FieldErrors = { ...(failure?.fieldErrors ?? {}), ...(inputError ? { input: [inputError] } : {}) };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const input = readInput(form);
    setCreated(undefined);
    if (!input.ok) {
      setInputError(input.message);
      return;
    }
    setInputError(undefined);
    create.mutate(
      {
        workspaceId: workspace.id,
        workflowId: String(form.get("workflowId") ?? ""),
        name: String(form.get("name") ?? ""),
        cron: String(form.get("cron") ?? ""),
        timezone: String(form.get("timezone") ?? "").trim() || "UTC",
        input: input.value,
        active: form.get("active") !== null,
      },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <section className="card" aria-labelledby="create-schedule-heading">
      <div className="card-header">
        <div>
          <h2 id="create-schedule-heading">Create a schedule</h2>
          <p className="muted">Each slot starts a run of the workflow&apos;s published version. A paused schedule skips its slots; resuming starts at the next one.</p>
        </div>
      </div>
      {created ? (
        <div className="alert success before" role="status">
          Schedule “{created}” created. Its next slots are listed above.
        </div>
      ) : null}
      <form className="stack" onSubmit={onSubmit} noValidate aria-labelledby="create-schedule-heading">
        {failure && Object.keys(failure.fieldErrors).length === 0 ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <div className="narrow field">
          <label htmlFor={workflowId}>Workflow</label>
          <WorkflowSelect id={workflowId} name="workflowId" invalid={Boolean(errors.workflowId)} describedBy={errors.workflowId ? `${workflowId}-error` : undefined} />
          {errors.workflowId ? (
            <span className="field-error" id={`${workflowId}-error`} role="alert">
              {errors.workflowId.join(" ")}
            </span>
          ) : null}
        </div>
        <ScheduleFields errors={errors} />
        <div className="check-row">
          <input id={`${workflowId}-active`} type="checkbox" name="active" defaultChecked />
          <label htmlFor={`${workflowId}-active`}>Active</label>
          <span className="hint">Leave unchecked to create it paused.</span>
        </div>
        <div>
          <button className="button primary" type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create schedule"}
          </button>
        </div>
      </form>
    </section>
  );
}

function ScheduleList({ canEdit }: { canEdit: boolean }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const schedules = useQuery(trpc.schedule.list.queryOptions({ workspaceId: workspace.id }, { refetchInterval: 60_000 }));
  const { names } = useWorkflowOptions();
  return (
    <section className="card" aria-labelledby="schedules-heading">
      <div className="card-header">
        <div>
          <h2 id="schedules-heading">Schedules</h2>
          <p className="muted">Times are shown in each schedule&apos;s own time zone.</p>
        </div>
      </div>
      <QueryView query={schedules} loading="Loading schedules…" what="schedules" isEmpty={(data) => data.length === 0} empty={<p className="empty">No schedules yet.{canEdit ? " Create one below to run a workflow on a timetable." : ""}</p>}>
        {(data) => (
          <ul className="schedule-list" aria-label="Schedules">
            {data.map((schedule) => (
              <ScheduleItem key={schedule.id} schedule={schedule} workflowName={names.get(schedule.workflowId)} canEdit={canEdit} />
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}

function ScheduleItem({ schedule, workflowName, canEdit }: { schedule: Schedule; workflowName: string | undefined; canEdit: boolean }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [inputError, setInputError] = useState<string>();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.schedule.list.queryKey() });
  const pause = useMutation(trpc.schedule.pause.mutationOptions({ onSettled: invalidate }));
  const resume = useMutation(trpc.schedule.resume.mutationOptions({ onSettled: invalidate }));
  const remove = useMutation(trpc.schedule.delete.mutationOptions({ onSettled: invalidate }));
  const update = useMutation(
    trpc.schedule.update.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setEditing(false);
      },
    }),
  );
  const title = schedule.name || schedule.cron;
  const toggleError = pause.error ?? resume.error;
  const failure = update.error ? formError(update.error) : undefined;
  const errors: FieldErrors = { ...(failure?.fieldErrors ?? {}), ...(inputError ? { input: [inputError] } : {}) };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = readInput(form);
    if (!input.ok) {
      setInputError(input.message);
      return;
    }
    setInputError(undefined);
    update.mutate({
      workspaceId: workspace.id,
      scheduleId: schedule.id,
      name: String(form.get("name") ?? ""),
      cron: String(form.get("cron") ?? ""),
      timezone: String(form.get("timezone") ?? "").trim() || "UTC",
      input: input.value,
    });
  }

  const headingId = `schedule-${schedule.id}`;
  return (
    <li className="schedule-item" aria-labelledby={headingId}>
      <div className="schedule-head">
        <div>
          <h3 id={headingId} className="schedule-title">
            {title}
          </h3>
          <p className="muted small">
            <code>{schedule.cron}</code> · {schedule.timezone} · runs{" "}
            <Link href={workspacePaths.workflow(workspace.slug, schedule.workflowId)}>{workflowName ?? "its workflow"}</Link>
          </p>
        </div>
        {schedule.active ? <span className="badge success">Active</span> : <span className="badge">Paused</span>}
        {canEdit ? (
          <div className="row">
            {schedule.active ? (
              <button type="button" className="button small" aria-label={`Pause ${title}`} disabled={pause.isPending} onClick={() => pause.mutate({ workspaceId: workspace.id, scheduleId: schedule.id })}>
                Pause
              </button>
            ) : (
              <button type="button" className="button small" aria-label={`Resume ${title}`} disabled={resume.isPending} onClick={() => resume.mutate({ workspaceId: workspace.id, scheduleId: schedule.id })}>
                Resume
              </button>
            )}
            <button type="button" className="button small" aria-expanded={editing} aria-label={`Edit ${title}`} onClick={() => setEditing(!editing)}>
              {editing ? "Cancel" : "Edit"}
            </button>
            <ConfirmButton
              label={`Delete ${title}`}
              title="Delete schedule?"
              description={<p>“{title}” will start no more runs. Runs it already started are kept.</p>}
              confirmLabel="Delete schedule"
              onConfirm={() => remove.mutateAsync({ workspaceId: workspace.id, scheduleId: schedule.id })}
            >
              Delete
            </ConfirmButton>
          </div>
        ) : null}
      </div>
      {toggleError ? (
        <div className="alert error" role="alert">
          {formError(toggleError).message}
        </div>
      ) : null}
      {schedule.active ? (
        <div>
          <h4 className="section-title">Next {schedule.nextFireTimes.length} runs</h4>
          <ol className="slot-list fire-times" aria-label={`Next runs of ${title}`}>
            {schedule.nextFireTimes.map((time) => (
              <li key={time.toISOString()}>
                <time dateTime={time.toISOString()}>{formatSlot(time, schedule.timezone)}</time>
              </li>
            ))}
          </ol>
        </div>
      ) : (
        <p className="muted small">Paused: no runs are scheduled. Resuming starts at the next slot; missed slots are skipped.</p>
      )}
      {editing ? (
        <form className="stack schedule-edit" onSubmit={onSubmit} noValidate aria-label={`Edit ${title}`}>
          {failure && Object.keys(failure.fieldErrors).length === 0 ? (
            <div className="alert error" role="alert">
              {failure.message}
            </div>
          ) : null}
          <ScheduleFields schedule={schedule} errors={errors} />
          <div>
            <button type="submit" className="button primary small" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save schedule"}
            </button>
          </div>
        </form>
      ) : null}
    </li>
  );
}
