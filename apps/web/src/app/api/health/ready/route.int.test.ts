import { expect, it } from "vitest";
import { openDatabase, provideAppDatabase } from "@trellis/db";
import { GET } from "./route";

it("reports ready while the database answers, and 503 problem+json once it is gone", async () => {
  const handle = openDatabase({});
  provideAppDatabase(handle);
  const ready = await GET(new Request("http://localhost/api/health/ready"));
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready", database: { driver: "pglite" } });

  await handle.close();
  const down = await GET(new Request("http://localhost/api/health/ready", { headers: { "x-request-id": "probe-1" } }));
  expect(down.status).toBe(503);
  expect(down.headers.get("content-type")).toBe("application/problem+json");
  expect(await down.json()).toMatchObject({ status: 503, detail: "The database is not reachable", requestId: "probe-1" });
});
