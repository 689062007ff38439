import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { schema, type Database } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { finishRun, toSql } from "@trellis/runtime";
import type { Role } from "@trellis/db/schema";
import { appRouter } from "./root";
import { callerFor, publishedWorkflow, runDefinitions, workspaceWithRoles } from "./testing";
import { acceptDelivery } from "./webhooks/delivery-store";

type Cast = Awaited<ReturnType<typeof workspaceWithRoles>>;
type Caller = ReturnType<typeof callerFor>;

interface Case {
  minimum: Role;
  /** Prepares what the call needs (as the owner) and returns the call. */
  prepare(cast: Cast, asOwner: Caller, db: Database): Promise<(caller: Caller, workspaceId: string) => Promise<unknown>>;
}

/** Every procedure that touches workspace data, with the least role allowed to call it. */
const workspaceProcedures: Record<string, Case> = {
  "workspace.update": { minimum: "admin", prepare: async () => (c, workspaceId) => c.workspace.update({ workspaceId, name: "Renamed" }) },
  "workspace.delete": { minimum: "owner", prepare: async () => (c, workspaceId) => c.workspace.delete({ workspaceId }) },
  "member.list": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.member.list({ workspaceId }) },
  "member.changeRole": {
    minimum: "admin",
    prepare: async (cast) => (c, workspaceId) => c.member.changeRole({ workspaceId, userId: cast.editor.id, role: "viewer" }),
  },
  "member.remove": {
    minimum: "admin",
    prepare: async (cast) => (c, workspaceId) => c.member.remove({ workspaceId, userId: cast.viewer.id }),
  },
  "member.leave": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.member.leave({ workspaceId }) },
  "invite.create": {
    minimum: "admin",
    prepare: async () => (c, workspaceId) => c.invite.create({ workspaceId, email: `new-${Math.random()}@example.test`, role: "editor" }),
  },
  "invite.listPending": { minimum: "admin", prepare: async () => (c, workspaceId) => c.invite.listPending({ workspaceId }) },
  "invite.revoke": {
    minimum: "admin",
    prepare: async (cast, owner) => {
      const invite = await owner.invite.create({ workspaceId: cast.workspace.id, email: "revoke-me@example.test", role: "viewer" });
      return (c, workspaceId) => c.invite.revoke({ workspaceId, inviteId: invite.id });
    },
  },
  "apiKey.create": {
    minimum: "admin",
    prepare: async () => (c, workspaceId) => c.apiKey.create({ workspaceId, name: "ci", scopes: ["workflows:read"] }),
  },
  "apiKey.list": { minimum: "admin", prepare: async () => (c, workspaceId) => c.apiKey.list({ workspaceId }) },
  "apiKey.revoke": {
    minimum: "admin",
    prepare: async (cast, owner) => {
      const key = await owner.apiKey.create({ workspaceId: cast.workspace.id, name: "old", scopes: ["runs:read"] });
      return (c, workspaceId) => c.apiKey.revoke({ workspaceId, apiKeyId: key.id });
    },
  },
  ...workflowProcedures(),
};

/** A workflow (published once) to act on, created by the owner. */
async function preparedWorkflow(cast: Cast, owner: Caller) {
  const workflow = await owner.workflow.create({ workspaceId: cast.workspace.id, name: "Roles" });
  await owner.workflowVersion.publish({ workspaceId: cast.workspace.id, workflowId: workflow.id, message: "v1" });
  return workflow;
}

function workflowProcedures(): Record<string, Case> {
  return {
    "workflow.list": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.workflow.list({ workspaceId }) },
    "workflow.get": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflow.get({ workspaceId, workflowId: id });
      },
    },
    "workflow.create": { minimum: "editor", prepare: async () => (c, workspaceId) => c.workflow.create({ workspaceId, name: "New" }) },
    "workflow.update": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id, revision } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflow.update({ workspaceId, workflowId: id, expectedRevision: revision, name: "Renamed" });
      },
    },
    "workflow.delete": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflow.delete({ workspaceId, workflowId: id });
      },
    },
    "workflow.duplicate": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflow.duplicate({ workspaceId, workflowId: id });
      },
    },
    "workflow.export": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflow.export({ workspaceId, workflowId: id });
      },
    },
    "workflow.import": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        const document = await owner.workflow.export({ workspaceId: cast.workspace.id, workflowId: id });
        return (c, workspaceId) => c.workflow.import({ workspaceId, ...document });
      },
    },
    "workflow.createFromTemplate": {
      minimum: "editor",
      prepare: async () => (c, workspaceId) => c.workflow.createFromTemplate({ workspaceId, templateId: "webhook-to-api" }),
    },
    "workflow.check": {
      minimum: "viewer",
      prepare: async () => (c, workspaceId) => c.workflow.check({ workspaceId, definition: { schemaVersion: 1, nodes: [], edges: [] } }),
    },
    "workflow.stats": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflow.stats({ workspaceId, workflowId: id });
      },
    },
    "workflowVersion.publish": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflowVersion.publish({ workspaceId, workflowId: id, message: "again" });
      },
    },
    "workflowVersion.list": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflowVersion.list({ workspaceId, workflowId: id });
      },
    },
    "workflowVersion.get": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflowVersion.get({ workspaceId, workflowId: id, number: 1 });
      },
    },
    "workflowVersion.restore": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id, revision } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflowVersion.restore({ workspaceId, workflowId: id, number: 1, expectedRevision: revision });
      },
    },
    "workflowVersion.compare": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.workflowVersion.compare({ workspaceId, workflowId: id, from: 1, to: 1 });
      },
    },
    "template.list": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.template.list({ workspaceId }) },
    "template.get": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.template.get({ workspaceId, templateId: "for-each-item" }) },
    "nodeType.list": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.nodeType.list({ workspaceId }) },
    "nodeType.get": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.nodeType.get({ workspaceId, type: "transform" }) },
    "nodeType.test": {
      minimum: "editor",
      prepare: async () => (c, workspaceId) => c.nodeType.test({ workspaceId, type: "transform", config: { expression: "1 + 1" } }),
    },
    "secret.create": {
      minimum: "admin",
      prepare: async () => (c, workspaceId) => c.secret.create({ workspaceId, name: `KEY_${Math.random().toString(36).slice(2)}`, value: "v" }),
    },
    "secret.list": { minimum: "editor", prepare: async () => (c, workspaceId) => c.secret.list({ workspaceId }) },
    "secret.rotate": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const secret = await owner.secret.create({ workspaceId: cast.workspace.id, name: "ROTATE_ME", value: "old" });
        return (c, workspaceId) => c.secret.rotate({ workspaceId, secretId: secret.id, value: "new" });
      },
    },
    "secret.delete": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const secret = await owner.secret.create({ workspaceId: cast.workspace.id, name: "DELETE_ME", value: "x" });
        return (c, workspaceId) => c.secret.delete({ workspaceId, secretId: secret.id });
      },
    },
    ...scheduleProcedures(),
    ...webhookProcedures(),
    ...notificationProcedures(),
    ...runProcedures(),
  };
}

async function preparedSchedule(cast: Cast, owner: Caller) {
  const { id } = await preparedWorkflow(cast, owner);
  return owner.schedule.create({ workspaceId: cast.workspace.id, workflowId: id, cron: "0 * * * *" });
}

function scheduleProcedures(): Record<string, Case> {
  return {
    "schedule.list": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.schedule.list({ workspaceId }) },
    "schedule.get": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedSchedule(cast, owner);
        return (c, workspaceId) => c.schedule.get({ workspaceId, scheduleId: id });
      },
    },
    "schedule.create": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.schedule.create({ workspaceId, workflowId: id, cron: "*/5 * * * *" });
      },
    },
    "schedule.update": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedSchedule(cast, owner);
        return (c, workspaceId) => c.schedule.update({ workspaceId, scheduleId: id, cron: "15 * * * *" });
      },
    },
    "schedule.pause": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedSchedule(cast, owner);
        return (c, workspaceId) => c.schedule.pause({ workspaceId, scheduleId: id });
      },
    },
    "schedule.resume": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedSchedule(cast, owner);
        return (c, workspaceId) => c.schedule.resume({ workspaceId, scheduleId: id });
      },
    },
    "schedule.delete": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { id } = await preparedSchedule(cast, owner);
        return (c, workspaceId) => c.schedule.delete({ workspaceId, scheduleId: id });
      },
    },
  };
}

async function preparedWebhook(cast: Cast, owner: Caller) {
  const { id } = await preparedWorkflow(cast, owner);
  return owner.webhook.create({ workspaceId: cast.workspace.id, workflowId: id, signatureScheme: "standard-webhooks" });
}

/** A webhook with one accepted delivery (and its run), as ingress would have stored them. */
async function preparedDelivery(cast: Cast, owner: Caller, db: Database) {
  const webhook = await preparedWebhook(cast, owner);
  const accepted = await acceptDelivery(toSql(db), {
    webhook: { id: webhook.id, workspaceId: cast.workspace.id, workflowId: webhook.workflowId },
    parts: { contentType: "application/json", headers: {}, query: {} },
    body: "{}",
    runInput: { method: "POST", headers: {}, query: {}, body: {} },
    dedupeKey: null,
    dedupeWindowSeconds: 0,
  });
  return { webhookId: webhook.id, deliveryId: accepted.deliveryId };
}

// Admins manage webhooks (they hold signing secrets); whoever sees runs sees the configurations and the
// delivery log; replaying a delivery starts a run, as editors may. Notifications are admin-only, reads
// included: subscribed URLs are often credentials themselves.
function webhookProcedures(): Record<string, Case> {
  return {
    "webhook.list": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.webhook.list({ workspaceId }) },
    "webhook.get": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWebhook(cast, owner);
        return (c, workspaceId) => c.webhook.get({ workspaceId, webhookId: id });
      },
    },
    "webhook.create": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const { id } = await preparedWorkflow(cast, owner);
        return (c, workspaceId) => c.webhook.create({ workspaceId, workflowId: id, signatureScheme: "hmac-sha256" });
      },
    },
    "webhook.update": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const { id } = await preparedWebhook(cast, owner);
        return (c, workspaceId) => c.webhook.update({ workspaceId, webhookId: id, name: "Renamed" });
      },
    },
    "webhook.delete": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const { id } = await preparedWebhook(cast, owner);
        return (c, workspaceId) => c.webhook.delete({ workspaceId, webhookId: id });
      },
    },
    "webhook.rotateSecret": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const { id } = await preparedWebhook(cast, owner);
        return (c, workspaceId) => c.webhook.rotateSecret({ workspaceId, webhookId: id, overlapSeconds: 60 });
      },
    },
    "webhook.deliveries": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { id } = await preparedWebhook(cast, owner);
        return (c, workspaceId) => c.webhook.deliveries({ workspaceId, webhookId: id });
      },
    },
    "webhook.delivery": {
      minimum: "viewer",
      prepare: async (cast, owner, db) => {
        const ids = await preparedDelivery(cast, owner, db);
        return (c, workspaceId) => c.webhook.delivery({ workspaceId, ...ids });
      },
    },
    "webhook.replayDelivery": {
      minimum: "editor",
      prepare: async (cast, owner, db) => {
        const ids = await preparedDelivery(cast, owner, db);
        return (c, workspaceId) => c.webhook.replayDelivery({ workspaceId, ...ids });
      },
    },
  };
}

function notificationProcedures(): Record<string, Case> {
  const subscribe = (owner: Caller, workspaceId: string) =>
    owner.notificationSubscription.create({ workspaceId, url: "https://example.com/hooks", events: ["run.failed"] });
  return {
    "notificationSubscription.list": { minimum: "admin", prepare: async () => (c, workspaceId) => c.notificationSubscription.list({ workspaceId }) },
    "notificationSubscription.get": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const { id } = await subscribe(owner, cast.workspace.id);
        return (c, workspaceId) => c.notificationSubscription.get({ workspaceId, subscriptionId: id });
      },
    },
    "notificationSubscription.create": { minimum: "admin", prepare: async () => (c, workspaceId) => subscribe(c, workspaceId) },
    "notificationSubscription.delete": {
      minimum: "admin",
      prepare: async (cast, owner) => {
        const { id } = await subscribe(owner, cast.workspace.id);
        return (c, workspaceId) => c.notificationSubscription.delete({ workspaceId, subscriptionId: id });
      },
    },
    "notificationSubscription.callbackSecret": {
      minimum: "admin",
      prepare: async () => (c, workspaceId) => c.notificationSubscription.callbackSecret({ workspaceId }),
    },
    "notificationDelivery.list": { minimum: "admin", prepare: async () => (c, workspaceId) => c.notificationDelivery.list({ workspaceId }) },
    "notificationDelivery.replay": {
      minimum: "admin",
      prepare: async (cast, _owner, db) => {
        const [row] = await db
          .insert(schema.notificationDeliveries)
          .values({ workspaceId: cast.workspace.id, event: "run.failed", url: "https://example.com/hooks", payload: {}, status: "failed" })
          .returning({ id: schema.notificationDeliveries.id });
        if (!row) throw new Error("no notification delivery was inserted");
        return (c, workspaceId) => c.notificationDelivery.replay({ workspaceId, deliveryId: row.id });
      },
    },
  };
}

/** A run of a published workflow (that sleeps once started), queued: no runtime executes runs here. */
async function preparedRun(cast: Cast, owner: Caller, definition = runDefinitions.sleeper) {
  const { workflowId } = await publishedWorkflow(owner, cast.workspace.id, definition, "Roles run");
  const { run } = await owner.run.start({ workspaceId: cast.workspace.id, workflowId });
  return { workflowId, runId: run.id };
}

async function finishedRun(cast: Cast, owner: Caller) {
  const prepared = await preparedRun(cast, owner);
  await owner.run.cancel({ workspaceId: cast.workspace.id, runId: prepared.runId });
  return prepared;
}

/** A failed run, as a worker would have finished it: on the dead-letter list. */
async function deadLetteredRun(cast: Cast, owner: Caller, db: Database) {
  const prepared = await preparedRun(cast, owner);
  await finishRun(toSql(db), { runId: prepared.runId, status: "failed", error: { name: "Error", code: "NODE_FAILED", message: "boom", retryable: false, details: null, nodeId: "nap" } });
  return prepared;
}

// Viewers see runs; editors start and steer them (as they may edit the workflows they run).
function runProcedures(): Record<string, Case> {
  return {
    "run.list": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.run.list({ workspaceId }) },
    "run.get": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { runId } = await preparedRun(cast, owner);
        return (c, workspaceId) => c.run.get({ workspaceId, runId });
      },
    },
    "run.start": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { workflowId } = await publishedWorkflow(owner, cast.workspace.id, runDefinitions.sleeper);
        return (c, workspaceId) => c.run.start({ workspaceId, workflowId });
      },
    },
    "run.startBatch": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { workflowId } = await publishedWorkflow(owner, cast.workspace.id, runDefinitions.sleeper);
        return (c, workspaceId) => c.run.startBatch({ workspaceId, workflowId, items: [{}, {}] });
      },
    },
    "run.cancel": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { runId } = await preparedRun(cast, owner);
        return (c, workspaceId) => c.run.cancel({ workspaceId, runId });
      },
    },
    "run.pause": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { runId } = await preparedRun(cast, owner);
        return (c, workspaceId) => c.run.pause({ workspaceId, runId });
      },
    },
    "run.resume": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { runId } = await preparedRun(cast, owner);
        await owner.run.pause({ workspaceId: cast.workspace.id, runId });
        return (c, workspaceId) => c.run.resume({ workspaceId, runId });
      },
    },
    "run.retry": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { runId } = await finishedRun(cast, owner);
        return (c, workspaceId) => c.run.retry({ workspaceId, runId });
      },
    },
    "run.retryPreview": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { runId } = await finishedRun(cast, owner);
        return (c, workspaceId) => c.run.retryPreview({ workspaceId, runId, nodeId: "nap" });
      },
    },
    "run.delete": {
      minimum: "editor",
      prepare: async (cast, owner) => {
        const { runId } = await finishedRun(cast, owner);
        return (c, workspaceId) => c.run.delete({ workspaceId, runId });
      },
    },
    "run.sendEvent": {
      minimum: "editor",
      prepare: async () => (c, workspaceId) => c.run.sendEvent({ workspaceId, name: "payment.received", payload: { orderId: "1" } }),
    },
    "run.decideApproval": {
      minimum: "editor",
      prepare: async (cast, owner, db) => {
        const { runId } = await preparedRun(cast, owner, runDefinitions.approval());
        // The wait a worker registers when the run reaches the approval.
        await db.insert(schema.eventWaiters).values({ workspaceId: cast.workspace.id, runId, stepId: "review:wait", event: "approval:review", expiresAt: new Date(Date.now() + 3_600_000) });
        return (c, workspaceId) => c.run.decideApproval({ workspaceId, runId, stepId: "review", decision: "approved" });
      },
    },
    "run.deadLetters": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.run.deadLetters({ workspaceId }) },
    "run.replayDeadLetter": {
      minimum: "editor",
      prepare: async (cast, owner, db) => {
        const { runId } = await deadLetteredRun(cast, owner, db);
        return (c, workspaceId) => c.run.replayDeadLetter({ workspaceId, runId });
      },
    },
    "run.dismissDeadLetter": {
      minimum: "editor",
      prepare: async (cast, owner, db) => {
        const { runId } = await deadLetteredRun(cast, owner, db);
        return (c, workspaceId) => c.run.dismissDeadLetter({ workspaceId, runId });
      },
    },
    // Subscriptions check access when they are opened; nothing is read until they are consumed.
    "run.events": {
      minimum: "viewer",
      prepare: async (cast, owner) => {
        const { runId } = await preparedRun(cast, owner);
        return (c, workspaceId) => c.run.events({ workspaceId, runId });
      },
    },
    "run.statusChanges": { minimum: "viewer", prepare: async () => (c, workspaceId) => c.run.statusChanges({ workspaceId }) },
  };
}

/** Procedures that act on the caller's own account, or find workspaces through membership. */
const notWorkspaceScoped = [
  "account.signUp",
  "account.me",
  "workspace.list",
  "workspace.bySlug",
  "workspace.create",
  "invite.preview",
  "invite.accept",
];

const ladder: Role[] = ["viewer", "editor", "admin", "owner"];

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : `unexpected ${String(error)}`;
  }
}

it("classifies every procedure, so a new one cannot skip the role and isolation checks", () => {
  const all = Object.keys(appRouter._def.procedures).sort();
  expect(all).toEqual([...Object.keys(workspaceProcedures), ...notWorkspaceScoped].sort());
});

describeEachDriver("roles and workspace isolation", (ctx) => {
  for (const [path, testCase] of Object.entries(workspaceProcedures)) {
    it(`${path}: below ${testCase.minimum} is FORBIDDEN, ${testCase.minimum} succeeds, outsiders get NOT_FOUND`, async () => {
      const db = ctx.db();
      const cast = await workspaceWithRoles(db);
      const call = await testCase.prepare(cast, callerFor(db, cast.owner), db);
      const id = cast.workspace.id;

      expect(await codeOf(call(callerFor(db, null), id))).toBe("UNAUTHORIZED");
      expect(await codeOf(call(callerFor(db, cast.outsider), id))).toBe("NOT_FOUND");
      expect(await codeOf(call(callerFor(db, cast.owner), "00000000-0000-4000-8000-000000000000"))).toBe("NOT_FOUND");
      for (const role of ladder.slice(0, ladder.indexOf(testCase.minimum))) {
        expect(await codeOf(call(callerFor(db, cast[role]), id)), `${role} calling ${path}`).toBe("FORBIDDEN");
      }
      expect(await codeOf(call(callerFor(db, cast[testCase.minimum]), id))).toBe("OK");
    });
  }

  it("refuses another workspace's invite and API key even through one's own workspace", async () => {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    const outsider = callerFor(db, cast.outsider);
    const foreignInvite = await outsider.invite.create({ workspaceId: cast.otherWorkspace.id, email: "x@example.test", role: "viewer" });
    const foreignKey = await outsider.apiKey.create({ workspaceId: cast.otherWorkspace.id, name: "theirs", scopes: ["runs:read"] });
    const owner = callerFor(db, cast.owner);
    expect(await codeOf(owner.invite.revoke({ workspaceId: cast.workspace.id, inviteId: foreignInvite.id }))).toBe("NOT_FOUND");
    expect(await codeOf(owner.apiKey.revoke({ workspaceId: cast.workspace.id, apiKeyId: foreignKey.id }))).toBe("NOT_FOUND");
    expect(await codeOf(owner.member.changeRole({ workspaceId: cast.workspace.id, userId: cast.outsider.id, role: "viewer" }))).toBe("NOT_FOUND");
    expect(await codeOf(owner.workspace.bySlug({ slug: cast.otherWorkspace.slug }))).toBe("NOT_FOUND");
    const keys = await outsider.apiKey.list({ workspaceId: cast.otherWorkspace.id });
    expect(keys.map((k) => k.revokedAt)).toEqual([null]);
  });
});
