import { z } from "zod";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../nodes/registry";
import { defineNode, IN, OUT } from "../nodes/types";
import {
  eventsOf,
  planOf,
  run,
  runContext,
  workflow,
} from "../testing/workflow";

const leaky = defineNode({
  type: "test.leaky",
  title: "Leaky",
  category: "utility",
  description: "",
  icon: "x",
  inputs: IN,
  outputs: OUT,
  configSchema: z.object({
    token: z.string(),
    fail: z.boolean().default(false),
  }),
  outputSchema: z.json(),
  async run(ctx) {
    ctx.logger.info(`calling with ${ctx.config.token}`, {
      header: `Bearer ${ctx.config.token}`,
    });
    if (ctx.config.fail)
      throw new Error(`401 for token ${encodeURIComponent(ctx.config.token)}`);
    return {
      output: {
        echoed: ctx.config.token,
        [ctx.config.token]: true,
        url: `https://x.test/?k=${encodeURIComponent(ctx.config.token)}`,
      },
    };
  },
});

const registry = createDefaultRegistry([leaky]);
const secret = "s3cr3t/value+=";
const context = runContext({ secrets: { API_KEY: secret } });

describe("secrets", () => {
  it("masks resolved secrets in outputs, keys, logs and the journal", async () => {
    const plan = planOf(
      workflow(
        [
          { id: "t", type: "trigger.manual" },
          {
            id: "l",
            type: "test.leaky",
            config: { token: "{{ secrets.API_KEY }}" },
          },
          { id: "n", type: "noop" },
        ],
        [
          ["t", "l"],
          ["l", "n"],
        ],
      ),
      registry,
    );
    const { result, events, tools } = await run(plan, null, {
      registry,
      context,
    });
    const everything = JSON.stringify({
      result,
      events,
      journal: [...tools.journal],
    });
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(encodeURIComponent(secret));
    expect(result).toMatchObject({
      status: "succeeded",
      output: {
        n: { echoed: "***", "***": true, url: "https://x.test/?k=***" },
      },
    });
    expect(eventsOf(events, "node.log")[0]).toMatchObject({
      message: "calling with ***",
      data: { header: "Bearer ***" },
    });
  });

  it("masks secrets in errors", async () => {
    const plan = planOf(
      workflow(
        [
          { id: "t", type: "trigger.manual" },
          {
            id: "l",
            type: "test.leaky",
            config: { token: "{{ secrets.API_KEY }}", fail: true },
            retry: { maxAttempts: 1 },
          },
        ],
        [["t", "l"]],
      ),
      registry,
    );
    const { result, tools } = await run(plan, null, { registry, context });
    expect(result).toMatchObject({
      status: "failed",
      error: { message: "401 for token ***" },
    });
    expect(JSON.stringify([...tools.journal])).not.toContain(
      encodeURIComponent(secret),
    );
  });

  it("masks secrets a transform copies out of the context", async () => {
    const plan = planOf(
      workflow(
        [
          { id: "t", type: "trigger.manual" },
          {
            id: "x",
            type: "transform",
            config: { expression: "{ 'k': secrets.API_KEY }" },
          },
        ],
        [["t", "x"]],
      ),
    );
    const { result } = await run(plan, null, { context });
    expect(result).toEqual({
      status: "succeeded",
      output: { x: { k: "***" } },
    });
  });
});
