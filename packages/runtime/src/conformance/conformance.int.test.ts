import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver } from "@trellis/db/testing";
import { startEmbeddedRuntime, type EmbeddedRuntime } from "../embedded/runtime";
import { PlanCache } from "../embedded/plan-cache";
import { InngestHarness } from "../inngest/testing/harness";
import { createProbe } from "../testing/nodes";
import { runFixture, type ConformanceDriverName, type ConformanceEnv } from "./drivers";
import { fixtures, type Observation } from "./fixtures";
import { conformanceRegistry } from "./registry";

// One behaviour, proven twice: every fixture runs on the embedded driver (its
// worker claiming the run from the database) and on the Inngest driver (the
// real `workflow-run` function under InngestTestEngine), and both must leave
// the expected run, journal and timeline — and the same node timeline.

const DRIVERS: ConformanceDriverName[] = ["embedded", "inngest"];

describeEachDriver(
  "conformance",
  (ctx) => {
    let env: ConformanceEnv;
    let runtime: EmbeddedRuntime;

    beforeAll(async () => {
      const user = await createUser(ctx.db());
      const workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
      const probe = createProbe();
      const registry = conformanceRegistry(probe);
      runtime = await startEmbeddedRuntime({
        handle: ctx.handle(),
        registry,
        concurrency: 4,
        leaseMs: 5_000,
        pollIntervalMs: 200,
        scheduler: false,
        retention: false,
      });
      env = { handle: ctx.handle(), workspaceId, probe, planCache: new PlanCache(registry), harness: new InngestHarness(ctx.handle(), { registry }) };
    });

    afterAll(async () => {
      env?.harness.close();
      await runtime?.stop({ graceMs: 1_000 });
    });

    for (const fixture of fixtures) {
      describe(fixture.name, () => {
        const observed = new Map<ConformanceDriverName, Observation>();
        for (const driver of DRIVERS) {
          it(`on the ${driver} driver`, async () => {
            const observation = await runFixture(env, driver, fixture);
            observed.set(driver, observation);
            const { expected } = fixture;
            expect(observation.run.driver).toBe(driver);
            expect(observation.run.status).toBe(expected.status);
            if (expected.output !== undefined) expect(observation.run.output).toEqual(expected.output);
            if (expected.errorNodeId !== undefined) expect(observation.run.error?.nodeId).toBe(expected.errorNodeId);
            expect(observation.steps).toEqual(expected.steps);
            expect(observation.runEvents).toEqual(expected.runEvents);
            expected.check?.(observation, env.probe);
          });
        }
        it("leaves the same node timeline on both drivers", () => {
          const [embedded, inngest] = DRIVERS.map((driver) => observed.get(driver));
          if (!embedded || !inngest) throw new Error("a driver's run failed above; nothing to compare");
          expect(inngest.nodeEvents).toEqual(embedded.nodeEvents);
        });
      });
    }
  },
  { drivers: ["pglite", "pg"] },
);
