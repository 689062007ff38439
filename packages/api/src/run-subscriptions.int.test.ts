import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";
import { waitForStatus } from "@trellis/runtime/testing";
import type { User } from "@trellis/db/schema";
import { createContext } from "./context";
import { appRouter } from "./root";
import { callerFor, publishedWorkflow, rejection, runDefinitions, workspaceWithRoles } from "./testing";

/** One server-sent event as the tRPC SSE stream writes it. */
interface SseMessage {
  event: string;
  id?: string;
  data: unknown;
}

describeEachDriver("live run updates over tRPC subscriptions", (ctx) => {
  let runtime: EmbeddedRuntime;
  let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;
  let workspaceId: string;

  beforeAll(async () => {
    runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 4, leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, retention: false });
    cast = await workspaceWithRoles(ctx.db());
    workspaceId = cast.workspace.id;
  });
  afterAll(async () => {
    await runtime?.stop({ graceMs: 1_000 });
    await getRunEventBus(ctx.handle()).close();
  });

  const caller = (user: Pick<User, "id" | "email">) => callerFor(ctx.db(), user);

  /** A run parked at its wait for `payment.received`, and the call that lets it finish. */
  async function waitingRun() {
    const editor = caller(cast.editor);
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.payment, "Live");
    const orderId = randomUUID();
    const { run } = await editor.run.start({ workspaceId, workflowId, input: { orderId } });
    await waitForStatus(ctx.handle(), { workspaceId, runId: run.id }, ["waiting"]);
    return { runId: run.id, pay: () => editor.run.sendEvent({ workspaceId, name: "payment.received", payload: { orderId, amount: 3 } }) };
  }

  /** The SSE route the browser's httpSubscriptionLink talks to, with the given user signed in. */
  function sseRequest(user: Pick<User, "id" | "email">, path: string, input: unknown, signal?: AbortSignal) {
    const url = `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(url, { headers: { accept: "text/event-stream" }, signal }),
      router: appRouter,
      createContext: () => createContext({ db: ctx.db(), handle: ctx.handle(), user: { id: user.id, email: user.email }, requestId: randomUUID() }),
    });
  }

  /** A message's data, as the server's transformer wrote it; null for data-less messages (connected, ping). */
  const payload = <T>(message: SseMessage): T | null => (message.data ? superjson.deserialize<T>(message.data as never) : null);

  /** Reads SSE messages until `done` says so (or the stream ends). */
  async function readSse(response: Response, done: (message: SseMessage) => boolean): Promise<SseMessage[]> {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const messages: SseMessage[] = [];
    let buffer = "";
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) return messages;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = { event: "message", data: null };
          for (const line of block.split("\n")) {
            const colon = line.indexOf(":");
            const [field, rest] = [line.slice(0, colon), line.slice(colon + 1).trimStart()];
            if (field === "event") message.event = rest;
            else if (field === "id") message.id = rest;
            else if (field === "data" && rest !== "") message.data = JSON.parse(rest);
          }
          messages.push(message);
          if (done(message)) return messages;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  it("streams a run's timeline in order until it finishes, and resumes after lastEventId", async () => {
    const { runId, pay } = await waitingRun();
    const stream = await caller(cast.viewer).run.events({ workspaceId, runId });
    const received: { id: string; data: { id: number; type: string; runId: string } }[] = [];
    let paid = false;
    for await (const item of stream as AsyncIterable<unknown>) {
      // Through a caller, a tracked event is tRPC's envelope: [id, data, marker].
      const [id, data] = item as [string, (typeof received)[number]["data"]];
      received.push({ id, data });
      // Everything up to the wait came from the history; what follows arrives live.
      if (data.type === "run.waiting" && !paid) {
        paid = true;
        expect((await pay()).runIds).toEqual([runId]);
      }
    }
    const types = received.map((r) => r.data.type);
    expect(types[0]).toBe("run.queued");
    expect(types.at(-1)).toBe("run.succeeded");
    expect(types).toEqual(expect.arrayContaining(["run.waiting", "run.event_received", "node.completed"]));
    const ids = received.map((r) => r.data.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(received.every((r) => r.id === String(r.data.id) && r.data.runId === runId)).toBe(true);

    // A reconnect names the last event it saw and gets only what came after.
    const middle = received[Math.floor(received.length / 2)]!;
    const rest: number[] = [];
    for await (const item of (await caller(cast.viewer).run.events({ workspaceId, runId, lastEventId: middle.id })) as AsyncIterable<unknown>) {
      rest.push((item as [string, { id: number }])[1].id);
    }
    expect(rest).toEqual(ids.filter((id) => id > middle.data.id));
  });

  it("streams over SSE through the fetch route handler, with event ids for resuming", async () => {
    const { runId, pay } = await waitingRun();
    const response = await sseRequest(cast.viewer, "run.events", { workspaceId, runId });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    let paid = false;
    const messages = await readSse(response, (message) => {
      const data = payload<{ type: string }>(message);
      if (data?.type === "run.waiting" && !paid) {
        paid = true;
        void pay();
      }
      return message.event === "return";
    });
    const events = messages.filter((m) => m.id !== undefined).map((m) => ({ sseId: m.id, event: superjson.deserialize<{ id: number; type: string }>(m.data as never) }));
    expect(events[0]?.event.type).toBe("run.queued");
    expect(events.at(-1)?.event.type).toBe("run.succeeded");
    // Each SSE id is the event's id, which a reconnecting EventSource sends back as Last-Event-ID.
    expect(events.every(({ sseId, event }) => sseId === String(event.id))).toBe(true);
    const ids = events.map(({ event }) => event.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(messages.at(-1)?.event).toBe("return");
  });

  it("streams the workspace's run status changes as runs start and finish", async () => {
    const editor = caller(cast.editor);
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.greeting, "Statuses");
    const abort = new AbortController();
    const response = await sseRequest(cast.viewer, "run.statusChanges", { workspaceId }, abort.signal);
    expect(response.status).toBe(200);
    let runId: string | undefined;
    const started = (async () => {
      // The stream is open before the run starts; give the subscription a moment to attach to the bus.
      await new Promise((resolve) => setTimeout(resolve, 200));
      runId = (await editor.run.start({ workspaceId, workflowId, input: { name: "live" } })).run.id;
    })();
    const messages = await readSse(response, (message) => {
      const data = payload<{ id: string; status: string }>(message);
      return data?.id === runId && data?.status === "succeeded";
    });
    abort.abort();
    await started;
    const statuses = messages
      .map((m) => payload<{ id: string; status: string; workflowName: string }>(m))
      .filter((d) => d?.id === runId);
    expect(statuses.at(-1)).toMatchObject({ status: "succeeded", workflowName: "Statuses" });
    // Each status is sent once, in the order the run went through them.
    const seen = statuses.map((s) => s!.status);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses outsiders and other workspaces' runs with NOT_FOUND, anonymous callers with UNAUTHORIZED", async () => {
    const { runId, pay } = await waitingRun();
    const outsider = caller(cast.outsider);
    expect((await rejection(outsider.run.events({ workspaceId, runId }))).code).toBe("NOT_FOUND");
    expect((await rejection(outsider.run.statusChanges({ workspaceId }))).code).toBe("NOT_FOUND");
    // Through their own workspace, the run does not exist either.
    const foreign = (await outsider.run.events({ workspaceId: cast.otherWorkspace.id, runId })) as AsyncIterator<unknown> & AsyncIterable<unknown>;
    expect((await rejection(foreign[Symbol.asyncIterator]().next())).code).toBe("NOT_FOUND");
    expect((await rejection(callerFor(ctx.db(), null).run.events({ workspaceId, runId }))).code).toBe("UNAUTHORIZED");

    const overHttp = await sseRequest(cast.outsider, "run.events", { workspaceId: cast.otherWorkspace.id, runId });
    const error = (await readSse(overHttp, (message) => message.event === "serialized-error")).find((message) => message.event === "serialized-error");
    expect(error?.event).toBe("serialized-error");
    expect(superjson.deserialize<{ data: { code: string } }>(error?.data as never).data.code).toBe("NOT_FOUND");
    await pay();
  });
});
