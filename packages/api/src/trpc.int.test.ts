import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { createContext } from "./context";
import { appRouter } from "./root";

describeEachDriver("tRPC over HTTP", (ctx) => {
  const post = (path: string, input: unknown, requestId = "req-test-1") =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`http://localhost/api/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: input }),
      }),
      router: appRouter,
      createContext: () => createContext({ db: ctx.db(), user: null, requestId }),
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
});
