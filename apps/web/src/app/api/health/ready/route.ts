import { sql } from "drizzle-orm";
import { problemResponse, requestIdFrom } from "@trellis/api/rest";
import { AppError } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";
import { getAppDatabase } from "@trellis/db";

export const dynamic = "force-dynamic";

const TIMEOUT_MS = 3000;

/** Readiness: the database answers a query within a few seconds, else 503. */
export async function GET(request: Request) {
  const requestId = requestIdFrom(request.headers);
  const started = performance.now();
  try {
    const { db, driver } = await getAppDatabase();
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref()),
    ]);
    return Response.json(
      { status: "ready", database: { driver, latencyMs: Math.round(performance.now() - started) } },
      { headers: { "x-request-id": requestId, "cache-control": "no-store" } },
    );
  } catch (error) {
    logger().warn({ err: error, requestId }, "readiness check failed: database unavailable");
    return problemResponse(new AppError("SERVICE_UNAVAILABLE", "The database is not reachable"), requestId, "/api/health/ready", {
      "cache-control": "no-store",
    });
  }
}
