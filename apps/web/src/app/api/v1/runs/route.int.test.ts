import { afterAll, beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, callerFor, publishedWorkflow, restCaller, runDefinitions, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";
import { waitForStatus } from "@trellis/runtime/testing";
import type { RunStatus } from "@trellis/db/schema";
import { POST as sendEvent } from "../events/route";
import { DELETE as dismiss } from "../dead-letters/[runId]/route";
import { POST as replay } from "../dead-letters/[runId]/replays/route";
import { GET as deadLetters } from "../dead-letters/route";
import { POST as startBatch } from "../workflows/[workflowId]/run-batches/route";
import { POST as start } from "../workflows/[workflowId]/runs/route";
import { POST as decide } from "./[runId]/approvals/[stepId]/route";
import { GET as approvals } from "./[runId]/approvals/route";
import { POST as cancel } from "./[runId]/cancellation/route";
import { DELETE as resume, POST as pause } from "./[runId]/pause/route";
import { POST as retry } from "./[runId]/retries/route";
import { GET as retryPlan } from "./[runId]/retry-plan/route";
import { DELETE as deleteRun, GET as getRun } from "./[runId]/route";
import { GET as list } from "./route";

type Json = Record<string, unknown>;
type Run = Json & { id: string; status: RunStatus };

describeEachDriver("REST /api/v1 runs, executed by the embedded runtime", (ctx) => {
  let runtime: EmbeddedRuntime;
  let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;
  let call: ReturnType<typeof restCaller>;
  let readOnly: ReturnType<typeof restCaller>;
  let owner: ReturnType<typeof callerFor>;
  let workspaceId: string;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 4, leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, retention: false });
    cast = await workspaceWithRoles(ctx.db());
    workspaceId = cast.workspace.id;
    owner = callerFor(ctx.db(), cast.owner);
    call = restCaller(await apiKeyWithScopes(ctx.db(), workspaceId, cast.admin.id, ["runs:read", "runs:write"]));
    readOnly = restCaller(await apiKeyWithScopes(ctx.db(), workspaceId, cast.admin.id, ["runs:read"]));
  });
  afterAll(async () => {
    await runtime?.stop({ graceMs: 1_000 });
    await getRunEventBus(ctx.handle()).close();
  });

  const settled = (runId: string, statuses: RunStatus[] = ["succeeded", "failed", "cancelled"]) => waitForStatus(ctx.handle(), { workspaceId, runId }, statuses);
  const workflow = async (definition = runDefinitions.greeting, name?: string) => (await publishedWorkflow(owner, workspaceId, definition, name)).workflowId;
  const startRun = (workflowId: string, body: unknown = {}, headers: Record<string, string> = {}, as = call) =>
    as(start, `/api/v1/workflows/${workflowId}/runs`, { method: "POST", params: { workflowId }, body, headers });
  const started = async (workflowId: string, body: unknown = {}) => {
    const response = await startRun(workflowId, body);
    expect(response.status).toBe(202);
    return (await response.json()) as Run;
  };
  const onRun = (handler: Parameters<typeof call>[0], runId: string, suffix = "", options: Parameters<typeof call>[2] = {}) =>
    call(handler, `/api/v1/runs/${runId}${suffix}`, { method: "POST", ...options, params: { runId, ...options.params } });

  it("starts a run with 202 and a Location to poll until it finishes, with its steps", async () => {
    const workflowId = await workflow();
    const response = await startRun(workflowId, { input: { name: "Grace" }, priority: 3 });
    expect(response.status).toBe(202);
    const run = (await response.json()) as Run;
    expect(response.headers.get("location")).toBe(`/api/v1/runs/${run.id}`);
    expect(response.headers.get("idempotent-replayed")).toBeNull();
    expect(run).toMatchObject({ workflowId, triggerKind: "api", priority: 3, input: { name: "Grace" } });
    await settled(run.id);

    const read = await readOnly(getRun, response.headers.get("location")!, { params: { runId: run.id } });
    expect(read.status).toBe(200);
    const detail = (await read.json()) as Run & { steps: Json[] };
    expect(detail).toMatchObject({ status: "succeeded", output: { shout: "HELLO GRACE" }, finishedAt: expect.any(String), workflowName: "Runs under test" });
    expect(detail.steps.map((s) => s.nodeId)).toEqual(["trigger", "greet", "shout"]);
  });

  it("answers the same run for the same Idempotency-Key", async () => {
    const workflowId = await workflow();
    const first = await startRun(workflowId, { input: { name: "one" } }, { "idempotency-key": "invoice-42" });
    const second = await startRun(workflowId, { input: { name: "two" } }, { "idempotency-key": "invoice-42" });
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(((await second.json()) as Run).input).toEqual({ name: "one" });

    const tooLong = await startRun(workflowId, { input: { name: "x" } }, { "idempotency-key": "k".repeat(256) });
    expect(tooLong.status).toBe(422);
    expect(Object.keys(((await tooLong.json()) as { errors: Json }).errors)).toEqual(["Idempotency-Key"]);
  });

  it("answers problem+json: 422 with field errors, 409 unpublished, 404 unknown or foreign, 401, 403, 413", async () => {
    const workflowId = await workflow();
    const invalid = await startRun(workflowId, { input: { nom: "x" }, priority: 99_999, callbackUrl: "not a url" });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    expect(Object.keys(((await invalid.json()) as { errors: Json }).errors).sort()).toEqual(["callbackUrl", "priority"]);
    const schemaMismatch = await startRun(workflowId, { input: { nom: "x" } });
    expect(schemaMismatch.status).toBe(422);
    expect(await schemaMismatch.json()).toMatchObject({ type: "/api/docs/problems#unprocessable-content", errors: { "input.name": [expect.any(String)] } });
    const privateCallback = await startRun(workflowId, { input: { name: "x" }, callbackUrl: "http://127.0.0.1:9/hook" });
    expect(privateCallback.status).toBe(422);
    expect(Object.keys(((await privateCallback.json()) as { errors: Json }).errors)).toEqual(["callbackUrl"]);

    const draft = await owner.workflow.create({ workspaceId, name: "Never published" });
    expect((await startRun(draft.id)).status).toBe(409);

    const foreignWorkflow = await publishedWorkflow(callerFor(ctx.db(), cast.outsider), cast.otherWorkspace.id, runDefinitions.greeting);
    expect((await startRun(foreignWorkflow.workflowId, { input: { name: "x" } })).status).toBe(404);
    expect((await startRun("not-a-uuid")).status).toBe(404);

    const run = await started(workflowId, { input: { name: "mine" } });
    const outsider = restCaller(await apiKeyWithScopes(ctx.db(), cast.otherWorkspace.id, cast.outsider.id, ["runs:read", "runs:write"]));
    expect((await outsider(getRun, `/api/v1/runs/${run.id}`, { params: { runId: run.id } })).status).toBe(404);
    expect((await outsider(cancel, `/api/v1/runs/${run.id}/cancellation`, { method: "POST", params: { runId: run.id } })).status).toBe(404);
    expect((await outsider(deleteRun, `/api/v1/runs/${run.id}`, { method: "DELETE", params: { runId: run.id } })).status).toBe(404);
    const theirList = (await (await outsider(list, "/api/v1/runs")).json()) as { items: Run[] };
    expect(theirList.items.map((r) => r.id)).not.toContain(run.id);

    const anonymous = await restCaller(null)(list, "/api/v1/runs");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    const forbidden = await startRun(workflowId, { input: { name: "x" } }, {}, readOnly);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ detail: "This API key lacks the runs:write scope" });

    const huge = await startRun(workflowId, { input: { name: "x".repeat(1024 * 1024 + 10) } });
    expect(huge.status).toBe(413);
  });

  it("starts a batch, and lists runs filtered, newest first, following next links", async () => {
    const workflowId = await workflow(runDefinitions.greeting, "Listed");
    const batch = await call(startBatch, `/api/v1/workflows/${workflowId}/run-batches`, {
      method: "POST",
      params: { workflowId },
      body: { items: ["a", "b", "c"].map((name) => ({ input: { name } })) },
    });
    expect(batch.status).toBe(202);
    const { items } = (await batch.json()) as { items: { run: Run; created: boolean }[] };
    expect(items.map((i) => i.created)).toEqual([true, true, true]);
    await Promise.all(items.map((i) => settled(i.run.id)));
    const refused = await call(startBatch, `/api/v1/workflows/${workflowId}/run-batches`, { method: "POST", params: { workflowId }, body: { items: [{ input: {} }] } });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ errors: { "items.0.input.name": [expect.any(String)] } });

    const ids: string[] = [];
    let next: string | null = `/api/v1/runs?workflowId=${workflowId}&status=succeeded&trigger=api&limit=2`;
    let pages = 0;
    while (next) {
      const response = await readOnly(list, next);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: Run[]; next: string | null };
      if (page.next) expect(response.headers.get("link")).toBe(`<${page.next}>; rel="next"`);
      ids.push(...page.items.map((r) => r.id));
      next = page.next;
      pages++;
    }
    expect(pages).toBe(2);
    expect(ids.sort()).toEqual(items.map((i) => i.run.id).sort());
    const none = (await (await readOnly(list, `/api/v1/runs?workflowId=${workflowId}&status=failed`)).json()) as { items: Run[] };
    expect(none.items).toEqual([]);
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect(((await (await readOnly(list, `/api/v1/runs?workflowId=${workflowId}&createdAfter=${future}`)).json()) as { items: Run[] }).items).toEqual([]);
    const bad = await readOnly(list, "/api/v1/runs?status=sideways&limit=0");
    expect(bad.status).toBe(422);
    expect(Object.keys(((await bad.json()) as { errors: Json }).errors).sort()).toEqual(["limit", "status"]);
  });

  it("cancels (202), pauses and resumes, and deletes only finished runs (204, else 409)", async () => {
    const workflowId = await workflow(runDefinitions.sleeper, "Sleeper");
    const run = await started(workflowId);
    await settled(run.id, ["sleeping"]);

    const paused = await onRun(pause, run.id, "/pause");
    expect(paused.status).toBe(202);
    expect(((await paused.json()) as Run).status).toBe("paused");
    expect((await onRun(deleteRun, run.id, "", { method: "DELETE" })).status).toBe(409);
    expect((await onRun(resume, run.id, "/pause", { method: "DELETE" })).status).toBe(204);
    expect((await onRun(resume, run.id, "/pause", { method: "DELETE" })).status).toBe(409);
    await settled(run.id, ["sleeping"]);

    const cancelled = await onRun(cancel, run.id, "/cancellation");
    expect(cancelled.status).toBe(202);
    expect(cancelled.headers.get("location")).toBe(`/api/v1/runs/${run.id}`);
    expect(((await cancelled.json()) as Run).status).toBe("cancelled");
    const again = await onRun(cancel, run.id, "/cancellation");
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ status: 409, type: "/api/docs/problems#conflict" });

    expect((await onRun(deleteRun, run.id, "", { method: "DELETE" })).status).toBe(204);
    expect((await readOnly(getRun, `/api/v1/runs/${run.id}`, { params: { runId: run.id } })).status).toBe(404);
    expect((await readOnly(getRun, "/api/v1/runs/42", { params: { runId: "42" } })).status).toBe(404);
  });

  it("retries from a node after previewing the plan, and replays and dismisses dead letters", async () => {
    const workflowId = await workflow(runDefinitions.failing, "Failing");
    const failed = await started(workflowId);
    expect((await settled(failed.id)).status).toBe("failed");

    const plan = await readOnly(retryPlan, `/api/v1/runs/${failed.id}/retry-plan?nodeId=explode`, { params: { runId: failed.id } });
    expect(plan.status).toBe(200);
    expect(await plan.json()).toMatchObject({ rerun: ["explode"], differingNodes: [], reused: expect.arrayContaining([expect.objectContaining({ nodeId: "prepare" })]) });
    expect((await readOnly(retryPlan, `/api/v1/runs/${failed.id}/retry-plan`, { params: { runId: failed.id } })).status).toBe(422);

    const retried = await onRun(retry, failed.id, "/retries", { body: { nodeId: "explode" } });
    expect(retried.status).toBe(202);
    const retriedRun = (await retried.json()) as Run;
    expect(retried.headers.get("location")).toBe(`/api/v1/runs/${retriedRun.id}`);
    expect(retriedRun).toMatchObject({ originRunId: failed.id, restartFromNodeId: "explode", attempt: 2 });
    await settled(retriedRun.id);
    expect((await onRun(retry, failed.id, "/retries", { body: { nodeId: "missing" } })).status).toBe(404);

    const letters = await readOnly(deadLetters, `/api/v1/dead-letters?workflowId=${workflowId}`);
    expect(letters.status).toBe(200);
    expect(((await letters.json()) as { items: Run[] }).items.map((r) => r.id)).toEqual([retriedRun.id]);

    const replayed = await call(replay, `/api/v1/dead-letters/${retriedRun.id}/replays`, { method: "POST", params: { runId: retriedRun.id } });
    expect(replayed.status).toBe(202);
    const replayRun = (await replayed.json()) as Run;
    expect(replayRun.triggerKind).toBe("replay");
    await settled(replayRun.id);
    expect((await call(replay, `/api/v1/dead-letters/${retriedRun.id}/replays`, { method: "POST", params: { runId: retriedRun.id } })).status).toBe(409);
    expect((await call(dismiss, `/api/v1/dead-letters/${replayRun.id}`, { method: "DELETE", params: { runId: replayRun.id } })).status).toBe(204);
    expect((await call(dismiss, `/api/v1/dead-letters/${replayRun.id}`, { method: "DELETE", params: { runId: replayRun.id } })).status).toBe(409);
    expect(((await (await readOnly(deadLetters, `/api/v1/dead-letters?workflowId=${workflowId}`)).json()) as { items: Run[] }).items).toEqual([]);
    const forbidden = await readOnly(replay, `/api/v1/dead-letters/${failed.id}/replays`, { method: "POST", params: { runId: failed.id } });
    expect(forbidden.status).toBe(403);
  });

  it("sends events to waiting runs and decides approvals", async () => {
    const paymentFlow = await workflow(runDefinitions.payment, "Payment");
    const waiting = await started(paymentFlow, { input: { orderId: "R-7" } });
    await settled(waiting.id, ["waiting"]);
    const event = (payload: unknown) => call(sendEvent, "/api/v1/events", { method: "POST", body: { name: "payment.received", payload } });
    const missed = await event({ orderId: "R-8" });
    expect(missed.status).toBe(200);
    expect(await missed.json()).toEqual({ runIds: [] });
    expect(await (await event({ orderId: "R-7", amount: 5 })).json()).toEqual({ runIds: [waiting.id] });
    expect(await settled(waiting.id)).toMatchObject({ status: "succeeded", output: { confirm: "confirmed 5" } });
    expect((await call(sendEvent, "/api/v1/events", { method: "POST", body: { payload: {} } })).status).toBe(422);

    const approvalFlow = await workflow(runDefinitions.approval([cast.owner.email]), "Approval");
    const gated = await started(approvalFlow);
    await settled(gated.id, ["waiting"]);
    const pending = await readOnly(approvals, `/api/v1/runs/${gated.id}/approvals`, { params: { runId: gated.id } });
    expect(await pending.json()).toEqual({ items: [{ stepId: "review", title: "Pay out?", instructions: null, approvers: [cast.owner.email], expiresAt: expect.any(String) }] });
    const decideAs = (stepId: string, body: unknown) => onRun(decide, gated.id, `/approvals/${stepId}`, { body, params: { stepId } });
    expect((await decideAs("review", { decision: "approved" })).status).toBe(403);
    expect((await decideAs("review", { decision: "maybe" })).status).toBe(422);
    expect((await decideAs("elsewhere", { decision: "approved", by: cast.owner.email })).status).toBe(409);
    const decided = await decideAs("review", { decision: "approved", by: cast.owner.email, comment: "ok" });
    expect(decided.status).toBe(202);
    expect(decided.headers.get("location")).toBe(`/api/v1/runs/${gated.id}`);
    expect(await settled(gated.id)).toMatchObject({ status: "succeeded", output: { yes: "paid" } });
  });
});
