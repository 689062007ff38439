import { inArray, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import type { Database } from "./client";
import { postgresErrorCode } from "./errors";
import { users } from "./schema";
import { createUser, describeEachDriver } from "./testing";

// 55P03: the row is locked by another transaction and NOWAIT was asked for.
const LOCK_NOT_AVAILABLE = "55P03";

type Executor = Pick<Database, "select">;

const claimOne = (db: Executor, ids: string[]) =>
  db
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, ids))
    .orderBy(users.email)
    .limit(1)
    .for("update", { skipLocked: true });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// PGlite is one connection: its transactions run one after another, so there
// is no second transaction to skip a lock. Queue workers rely on this in
// production, which is always pg or neon.
describeEachDriver(
  "SELECT … FOR UPDATE SKIP LOCKED",
  (ctx) => {
    it("lets two concurrent transactions claim different rows", async () => {
      const db = ctx.db();
      const ids = [(await createUser(db, { email: `a-${crypto.randomUUID()}@example.test` })).id];
      ids.push((await createUser(db, { email: `b-${crypto.randomUUID()}@example.test` })).id);

      const firstClaimed = deferred<string>();
      const releaseFirst = deferred();
      const first = db.transaction(async (tx) => {
        try {
          const [row] = await claimOne(tx, ids);
          if (!row) throw new Error("the first transaction claimed nothing");
          firstClaimed.resolve(row.id);
          await releaseFirst.promise;
          return row.id;
        } finally {
          // Ensures a failure elsewhere cannot leave this transaction waiting forever.
          releaseFirst.resolve();
        }
      });
      // If the first transaction fails before claiming, stop waiting for it.
      const firstId = await Promise.race([firstClaimed.promise, first]);

      try {
        const second = await db.transaction(async (tx) => {
          // Were SKIP LOCKED ignored, the claim below would wait on the first
          // transaction, which waits on this one: fail fast instead of hanging.
          await tx.execute(sql`set local lock_timeout = '5s'`);
          // The first transaction really holds its row: NOWAIT on it fails at once…
          const nowait = await tx
            .transaction((nested) =>
              nested
                .select({ id: users.id })
                .from(users)
                .where(inArray(users.id, [firstId]))
                .for("update", { noWait: true }),
            )
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          expect(postgresErrorCode(nowait)).toBe(LOCK_NOT_AVAILABLE);
          // …while SKIP LOCKED passes over it to the other row instead of waiting.
          return claimOne(tx, ids);
        });
        expect(second).toHaveLength(1);
        expect(second[0]?.id).not.toBe(firstId);
        expect(ids).toContain(second[0]?.id);
      } finally {
        releaseFirst.resolve();
        await first;
      }

      // With the first transaction finished, its row is free again.
      const after = await db.transaction((tx) => claimOne(tx, [firstId]));
      expect(after).toEqual([{ id: firstId }]);
    });
  },
  { drivers: ["pg", "neon"] },
);
