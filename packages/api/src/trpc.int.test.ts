import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { createContext, type SessionUser } from "./context";
import { appRouter } from "./root";
import { callerFor, workspaceWithRoles } from "./testing";

describeEachDriver("tRPC over HTTP", (ctx) => {
  const post = (path: string, input: unknown, requestId = "req-test-1", user: SessionUser | null = null) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`http://localhost/api/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: input }),
      }),
      router: appRouter,
      createContext: () => createContext({ db: ctx.db(), user, requestId }),
    });

  it("turns validation failures into field errors a form can show", async () => {
    const response = await post("account.signUp", { email: "not-an-email", password: "short1" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { json: { data: Record<string, unknown> } } };
    expect(body.error.json.data).toMatchObject({
      code: "BAD_REQUEST",
      requestId: "req-test-1",
      fieldErrors: { email: ["Enter a valid email address"], password: ["Use at least 10 characters"] },
    });
  });

  it("answers UNAUTHORIZED to anonymous calls of protected procedures", async () => {
    const response = await post("workspace.create", { name: "Nope" });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { json: { message: string } } };
    expect(body.error.json.message).toBe("Sign in to continue");
  });

  it("carries compiler problems and the current revision in the error data, for the editor", async () => {
    const cast = await workspaceWithRoles(ctx.db());
    const workspaceId = cast.workspace.id;
    const editor = callerFor(ctx.db(), cast.editor);
    const definition = { schemaVersion: 1 as const, nodes: [{ id: "start", type: "trigger.manual" }, { id: "x", type: "unknown.type" }], edges: [] };
    const workflow = await editor.workflow.create({ workspaceId, name: "Broken", definition });
    const user = { id: cast.editor.id, email: cast.editor.email };
    type ErrorBody = { error: { json: { message: string; data: Record<string, unknown> } } };

    const publish = await post("workflowVersion.publish", { workspaceId, workflowId: workflow.id }, "req-publish", user);
    expect(publish.status).toBe(422);
    const publishError = ((await publish.json()) as ErrorBody).error.json;
    expect(publishError.data).toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
      requestId: "req-publish",
      problems: expect.arrayContaining([expect.objectContaining({ severity: "error", code: "unknown_node_type", nodeId: "x" })]),
      fieldErrors: { "nodes.x.type": [expect.any(String)] },
    });

    const update = await post("workflow.update", { workspaceId, workflowId: workflow.id, expectedRevision: 5, name: "Late" }, "req-update", user);
    expect(update.status).toBe(409);
    expect(((await update.json()) as ErrorBody).error.json.data).toMatchObject({ code: "CONFLICT", currentRevision: 1 });
  });
});
