import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./support/accounts";
import { attachScreenshot } from "./support/artifacts";
import { connect, createWorkflow, dragFromPalette, expectSaved, inputHandle, node, outputHandle, sidePanel } from "./support/editor";

/**
 * The order checker the workflow calls: its first request fails with a 500,
 * later ones answer after a short pause (long enough to see the node run).
 * It listens on 127.0.0.1, which the app's SSRF guard refuses unless the
 * operator allows it: playwright.config.ts starts the app with
 * TRELLIS_ALLOWED_HOSTS=127.0.0.1.
 */
async function startOrderChecker(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    count += 1;
    request.resume();
    if (count === 1) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "checker is warming up" }));
      return;
    }
    setTimeout(() => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ approved: true, checkedAt: new Date().toISOString() }));
    }, 1_500);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/check`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// A step that cannot happen fails in seconds, not at the test's timeout.
test.use({ actionTimeout: 15_000 });

const runState = (page: Page, name: string, state: string) => expect(node(page, name)).toHaveClass(new RegExp(`\\brun-state-${state}\\b`), { timeout: 20_000 });

test("test-run a workflow from the editor: live node states, a failed HTTP call retried from its node, outputs, and a restored version", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const checker = await startOrderChecker();
  try {
    await signUp(page, "Tess");
    await createWorkflow(page, "Order checker");

    // Build: manual trigger → HTTP request → if / else → two transforms, all dragged from the palette.
    await node(page, "Start").click();
    await page.keyboard.press("Delete");
    await expect(node(page, "Start")).toHaveCount(0);
    for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Zoom out" }).click();
    await dragFromPalette(page, "Manual trigger", 90, 240);
    await dragFromPalette(page, "HTTP request", 250, 240);
    await dragFromPalette(page, "If / else", 410, 240);
    await dragFromPalette(page, "Transform", 590, 110);
    await dragFromPalette(page, "Transform", 590, 340);
    await expect(page.locator(".react-flow__node")).toHaveCount(5);
    await connect(page, outputHandle(page, "Manual trigger"), inputHandle(page, "HTTP request"));
    await connect(page, outputHandle(page, "HTTP request"), inputHandle(page, "If / else"));
    await connect(page, outputHandle(page, "If / else", "true"), inputHandle(page, "Transform"));
    await connect(page, outputHandle(page, "If / else", "false"), inputHandle(page, "Transform 2"));
    await expect(page.locator(".react-flow__edge")).toHaveCount(4);

    // The HTTP request has no URL yet: a compiler problem on the node, and publishing is blocked.
    await expect(node(page, "HTTP request")).toHaveClass(/has-error/);
    const problems = page.getByRole("region", { name: "Problems" });
    await problems.getByRole("button", { name: /Problems/ }).click();
    await expect(problems.getByRole("button", { name: /HTTP request$/ }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();

    // Configure through the side panel.
    await node(page, "Manual trigger").click();
    const inputSchema = sidePanel(page).getByLabel("Input schema", { exact: true });
    await inputSchema.fill(JSON.stringify({ type: "object", properties: { amount: { type: "number" } }, required: ["amount"] }));
    await inputSchema.blur();

    await node(page, "HTTP request").click();
    await sidePanel(page).getByRole("combobox", { name: "URL", exact: true }).fill(checker.url);
    // No retries: the first failure fails the node (and the run).
    await sidePanel(page).getByLabel("Attempts", { exact: true }).fill("1");
    await expect(node(page, "HTTP request")).not.toHaveClass(/has-error/);

    await node(page, "If / else").click();
    await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill("nodes.http_request.output.body.approved and trigger.amount > 100");
    await node(page, "Transform").click();
    await sidePanel(page).getByLabel("Node name").fill("Big order");
    await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill('{ "review": true, "amount": trigger.amount }');
    await node(page, "Transform 2").click();
    await sidePanel(page).getByLabel("Node name").fill("Small order");
    await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill('{ "review": false }');
    await expect(problems.getByText("No problems")).toBeVisible();
    await expectSaved(page);
    await attachScreenshot(page, testInfo, "editor-built.png");

    // Before anything is published there is nothing to test-run: the dialog says so and offers to publish.
    await page.getByRole("button", { name: "Test run", exact: true }).click();
    let testRun = page.getByRole("dialog", { name: "Test run" });
    await expect(testRun.getByText("this workflow has never been published")).toBeVisible();
    await testRun.getByRole("button", { name: "Publish first…" }).click();
    const publish1 = page.getByRole("dialog", { name: "Publish version 1" });
    await publish1.getByLabel("What changed?").fill("Check orders");
    await publish1.getByRole("button", { name: "Publish" }).click();
    await expect(page.getByText("Published v1")).toBeVisible();
    // Published, the test run dialog is back.
    testRun = page.getByRole("dialog", { name: "Test run" });
    await expect(testRun.getByRole("button", { name: "Run version 1" })).toBeVisible();
    await testRun.getByRole("button", { name: "Cancel" }).click();

    // A change to the draft: the test run would not include it, and says so.
    await node(page, "Big order").click();
    await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill('{ "review": true, "amount": trigger.amount, "priority": "high" }');
    await expectSaved(page);
    await expect(page.getByText("v1 · unpublished changes")).toBeVisible();
    await page.getByRole("button", { name: "Test run", exact: true }).click();
    await expect(testRun.getByText("Your draft has unpublished changes.")).toBeVisible();
    await testRun.getByRole("button", { name: "Publish first…" }).click();
    const publish2 = page.getByRole("dialog", { name: "Publish version 2" });
    await publish2.getByLabel("What changed?").fill("Flag big orders as high priority");
    await publish2.getByRole("button", { name: "Publish" }).click();
    await expect(page.getByText("Published v2")).toBeVisible();
    await expect(testRun.getByText("Your draft has unpublished changes.")).toHaveCount(0);

    // The input form comes from the trigger's input schema; the server's validation shows next to the field.
    const amount = testRun.getByLabel("Amount");
    await expect(amount).toBeVisible();
    await testRun.getByRole("button", { name: "Run version 2" }).click();
    await expect(testRun.locator(".field-error")).toContainText(/number/i);
    await expect(testRun.getByRole("alert")).toContainText("does not match the trigger's input schema");
    await amount.fill("250");
    // The same input as raw JSON (the fallback for inputs a form cannot show), started from there.
    await testRun.getByRole("radio", { name: "JSON" }).check();
    await expect(testRun.getByLabel("Input (JSON)")).toHaveValue(/"amount": 250/);
    await testRun.getByRole("button", { name: "Run version 2" }).click();
    await expect(testRun).toBeHidden();

    // The checker fails its first request: the HTTP node goes red, the run fails, nothing after it runs.
    const runBar = page.getByRole("region", { name: "Test run" });
    await expect(runBar).toBeVisible();
    await runState(page, "Manual trigger", "succeeded");
    await runState(page, "HTTP request", "failed");
    await expect(runBar.locator("[data-status]")).toHaveAttribute("data-status", "failed");
    await expect(runBar).toContainText("answered 500");
    await expect(node(page, "HTTP request").locator(".run-node-pill")).toContainText("Failed");
    await expect(node(page, "Big order")).toHaveClass(/\brun-state-(not-run|skipped)\b/);
    await attachScreenshot(page, testInfo, "editor-test-run-failed.png");

    // Its details: the error and the single attempt; then "retry from here", which first says what runs again.
    await node(page, "HTTP request").click();
    const details = sidePanel(page);
    await expect(page.getByRole("tab", { name: /Test run/ })).toHaveAttribute("aria-selected", "true");
    await expect(details.getByRole("heading", { name: "HTTP request" })).toBeVisible();
    await expect(details.getByRole("region", { name: "Error" })).toContainText("500");
    await expect(details.getByRole("region", { name: "Attempts" }).getByText("Attempt 1")).toBeVisible();
    await details.getByRole("button", { name: "Retry from here…" }).click();
    const retry = page.getByRole("dialog", { name: "Retry from “HTTP request”" });
    const rerun = retry.getByRole("region", { name: "Will run again" });
    await expect(rerun).toContainText("HTTP request");
    await expect(rerun).toContainText("Big order");
    await expect(retry.getByRole("region", { name: "Outputs reused" })).toContainText("Manual trigger");
    await expect(node(page, "Manual trigger")).toHaveClass(/retry-reused/);
    await expect(node(page, "HTTP request")).toHaveClass(/retry-rerun/);
    expect(checker.requests()).toBe(1);
    await retry.getByRole("button", { name: "Retry from “HTTP request”" }).click();
    await expect(retry).toBeHidden();

    // The overlay follows the new run live: the HTTP call runs (the checker takes 1.5 s), then everything turns green.
    await runState(page, "HTTP request", "running");
    await expect(node(page, "Manual trigger").locator(".run-node-pill")).toContainText("reused");
    await runState(page, "HTTP request", "succeeded");
    await runState(page, "If / else", "succeeded");
    await runState(page, "Big order", "succeeded");
    await runState(page, "Small order", "skipped");
    await expect(runBar.locator("[data-status]")).toHaveAttribute("data-status", "succeeded");
    await expect(node(page, "HTTP request").locator(".run-node-pill")).toContainText(/\d+(\.\d)? (ms|s)/);
    expect(checker.requests()).toBe(2);

    // A node's output, from the run's journal.
    await node(page, "Big order").click();
    const output = sidePanel(page).getByRole("region", { name: "Output" });
    await expect(output).toContainText("priority");
    await expect(output).toContainText("high");
    await expect(output).toContainText("250");
    await page.getByRole("button", { name: "Zoom to fit" }).click();
    await page.getByRole("button", { name: "Zoom out" }).click();
    await attachScreenshot(page, testInfo, "editor-test-run.png", { copyTo: path.join(__dirname, "..", "docs", "screenshots", "editor-test-run.png") });

    // The run bar links to the run inspector; clearing takes the overlay off the canvas.
    await expect(runBar.getByRole("link", { name: /Open run/ })).toHaveAttribute("href", /\/w\/[a-z0-9-]+\/runs\/[0-9a-f-]{36}$/);
    await runBar.getByRole("button", { name: "Clear the test run from the canvas" }).click();
    await expect(runBar).toHaveCount(0);
    await expect(page.locator(".run-node-pill")).toHaveCount(0);
    await expect(node(page, "Big order")).not.toHaveClass(/run-state-/);

    // Version history: version 1 restored into the draft.
    await page.getByRole("tab", { name: "Versions" }).click();
    await page.getByRole("button", { name: "Open version 1: Check orders" }).click();
    const banner = page.getByRole("region", { name: "Version preview" });
    await expect(banner).toContainText("1 changed");
    await banner.getByRole("button", { name: "Restore this version" }).click();
    await expect(page.getByText("Restored version 1 into the draft")).toBeVisible();
    await expectSaved(page);
    await page.getByRole("tab", { name: "Inspector" }).click();
    await node(page, "Big order").click();
    await expect(sidePanel(page).getByRole("combobox", { name: "Expression" })).toHaveValue('{ "review": true, "amount": trigger.amount }');
  } finally {
    await checker.close();
  }
});
