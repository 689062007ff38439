import net from "node:net";
import { describe, expect, it, vi, type RunnerTask, type RunnerTestFile, type RunnerTestSuite } from "vitest";
import { describeEachDriver, postgresAvailability, probePostgres, testPostgresUrl } from "./testing";

// Installed before the suites below are registered, because the skip warning
// is printed while they are defined.
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
const reason = `PostgreSQL not reachable at 192.0.2.1:5432 (test ${crypto.randomUUID()})`;
const ranWhileSkipped: string[] = [];

describeEachDriver(
  "forced unavailable",
  (ctx) => {
    it("never runs", () => {
      ranWhileSkipped.push(ctx.driver);
    });
  },
  { drivers: ["pg", "neon"], postgres: { available: false, reason } },
);
let definitionTimeError: unknown;
describeEachDriver(
  "forced unavailable again",
  (ctx) => {
    try {
      ctx.db();
    } catch (error) {
      definitionTimeError = error;
    }
  },
  { drivers: ["pg"], postgres: { available: false, reason } },
);

const findSuite = (file: RunnerTestFile, name: string) =>
  file.tasks.find((task): task is RunnerTestSuite => task.type === "suite" && task.name === name);

describe("describeEachDriver without a PostgreSQL server", () => {
  it("registers the pg and neon suites as skipped with the reason in their names", ({ task }) => {
    const file = task.file;
    for (const driver of ["pg", "neon"]) {
      const suite = findSuite(file, `forced unavailable [${driver}] — skipped: ${reason}`);
      expect(suite, driver).toBeDefined();
      expect(suite?.mode).toBe("skip");
      // The tests stay visible in the report as skipped, not dropped.
      expect(suite?.tasks.map((t: RunnerTask) => [t.name, t.mode])).toEqual([["never runs", "skip"]]);
    }
    expect(findSuite(file, "forced unavailable [pglite]")).toBeUndefined();
    expect(ranWhileSkipped).toEqual([]);
  });

  it("refuses to hand out a database while a suite is being defined", () => {
    expect(definitionTimeError).toBeInstanceOf(Error);
    expect((definitionTimeError as Error).message).toMatch(/inside hooks and tests, not while defining "forced unavailable again"/);
  });

  it("warns once per reason", () => {
    const calls = warn.mock.calls.filter((args) => String(args[0]).includes(reason));
    expect(calls).toHaveLength(1);
    warn.mockRestore();
  });
});

describe("probePostgres", () => {
  it("explains a refused connection", async () => {
    // A port that was free a moment ago: nothing listens on it now.
    const server = net.createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("expected a TCP address");
    await new Promise((resolve) => server.close(resolve));

    expect(probePostgres(`postgres://postgres@127.0.0.1:${address.port}/postgres`)).toEqual({
      available: false,
      reason: `PostgreSQL not reachable at 127.0.0.1:${address.port} (ECONNREFUSED)`,
    });
  });

  it("explains a server that never answers", async () => {
    // Accepts TCP connections and stays silent, like a hung server.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => sockets.add(socket)).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("expected a TCP address");
    try {
      // The synchronous probe blocks this thread, but the kernel completes the
      // handshake from the listen backlog: the probe meets a silent server.
      const result = probePostgres(`postgres://postgres@127.0.0.1:${address.port}/postgres`, 500);
      expect(result).toEqual({
        available: false,
        reason: `PostgreSQL not reachable at 127.0.0.1:${address.port} (no answer within 500 ms)`,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const server = postgresAvailability();
  const rejectedRoleTitle = "explains a role the server rejects";
  (server.available ? it : it.skip)(
    server.available ? rejectedRoleTitle : `${rejectedRoleTitle} — skipped: ${server.reason}`,
    () => {
      const url = new URL(testPostgresUrl());
      url.username = `no_such_role_${crypto.randomUUID().slice(0, 8)}`;
      const result = probePostgres(url.toString());
      expect(result).toMatchObject({ available: false });
      // 28000: invalid_authorization_specification, the server's answer to an unknown role under trust auth.
      expect(!result.available && result.reason).toMatch(
        new RegExp(`^PostgreSQL at .+ refused the connection: .*${url.username}.* \\(28000\\)$`),
      );
    },
  );
});
