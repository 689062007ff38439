import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signUp } from "./support/accounts";
import { attachScreenshot } from "./support/artifacts";

/** An API key that can write workflows and start runs, created the way a person does it. */
async function createApiKey(page: Page, workspacePath: string): Promise<string> {
  await page.goto(`${workspacePath}/settings/api-keys`);
  await page.getByLabel("Name").fill("runs e2e");
  for (const scope of ["workflows:read", "workflows:write", "runs:read", "runs:write"]) await page.getByLabel(scope, { exact: true }).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByLabel("API key", { exact: true }).inputValue();
  expect(key).toMatch(/^trl_live_/);
  await page.getByRole("button", { name: "Done" }).click();
  return key;
}

type Definition = { schemaVersion: 1; nodes: unknown[]; edges: unknown[] };

const node = (id: string, type: string, name: string, x: number, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  type,
  name,
  position: { x, y: 80 },
  config,
  ...extra,
});
const chain = (...ids: string[]) => ids.slice(1).map((id, i) => ({ id: `${ids[i]}-${id}`, source: ids[i], target: id }));

/** Creates and publishes a workflow through the REST API; answers its id. */
async function publishedWorkflow(request: APIRequestContext, key: string, name: string, definition: Definition): Promise<string> {
  const headers = { authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/workflows", { headers, data: { name, definition } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const published = await request.post(`/api/v1/workflows/${id}/versions`, { headers, data: { message: "First version" } });
  expect(published.status(), await published.text()).toBe(201);
  return id;
}

async function startRun(request: APIRequestContext, key: string, workflowId: string, input: unknown): Promise<string> {
  const started = await request.post(`/api/v1/workflows/${workflowId}/runs`, { headers: { authorization: `Bearer ${key}` }, data: { input } });
  expect(started.status(), await started.text()).toBeLessThan(300);
  const body = (await started.json()) as { run?: { id: string }; id?: string };
  const id = body.run?.id ?? body.id;
  expect(id).toBeTruthy();
  return id as string;
}

/** A node of the run graph by its visible name. */
const graphNode = (page: Page, name: string) =>
  page.locator(".run-canvas .react-flow__node", { has: page.locator(".wf-node-name", { hasText: new RegExp(`^${name.replace(/[/\\^$*+?.()|[\]{}]/g, "\\$&")}$`) }) });

test("a run appears live on the runs page, succeeds, and its inspector shows node states and outputs", async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const workspacePath = await signUp(page, "Rune");
  const key = await createApiKey(page, workspacePath);
  const workflowId = await publishedWorkflow(request, key, "Order totals", {
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", "Order received", 0, {}),
      node("total", "transform", "Compute total", 320, { expression: '{ "total": trigger.amount * 2 }' }),
      node("label", "transform", "Label order", 640, { expression: '{ "label": nodes.total.output.total > 40 ? "big" : "small" }' }),
    ],
    edges: chain("start", "total", "label"),
  });

  // The runs page is reachable from the top navigation and says when there is nothing yet.
  await page.goto(workspacePath);
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Runs" })).toBeVisible();
  await expect(page.getByText("No runs yet")).toBeVisible();
  await expect(page.locator(".live-dot.on")).toBeVisible();

  // A run started through the API shows up without a reload, and turns green.
  const runId = await startRun(request, key, workflowId, { amount: 21 });
  const row = page.locator(`tr[data-run-id="${runId}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByText("Succeeded")).toBeVisible({ timeout: 20_000 });
  await expect(row.getByRole("cell", { name: "API" })).toBeVisible();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await attachScreenshot(page, testInfo, "runs-page.png");
  await page.setViewportSize({ width: 1280, height: 800 });

  // Filters live in the address.
  await page.getByLabel("Status").selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await expect(page.getByText("No runs match these filters.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Status")).toHaveValue("failed");
  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(row).toBeVisible();

  // The workflows list shows each workflow's last run and its result, linking to the run.
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  const lastRun = page.getByRole("link", { name: "Last run of Order totals: succeeded" });
  await expect(lastRun).toContainText("Succeeded");
  await expect(lastRun).toHaveAttribute("href", new RegExp(`/runs/${runId}$`));
  await page.goBack();
  await expect(row).toBeVisible();

  // The inspector: the pinned version's graph with each node's state, and a node's output on click.
  await row.getByRole("link", { name: "Order totals" }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Order totals" })).toBeVisible();
  await expect(page.locator(".run-header .run-status")).toHaveText("Succeeded");
  for (const name of ["Order received", "Compute total", "Label order"]) await expect(graphNode(page, name)).toHaveClass(/run-state-succeeded/);
  await graphNode(page, "Compute total").click();
  const details = page.getByRole("complementary", { name: "Node details" });
  await expect(details.getByRole("heading", { name: "Compute total" })).toBeVisible();
  await expect(details.getByRole("region", { name: "Output" }).getByText("42")).toBeVisible();
  await expect(details.getByRole("region", { name: "Input" }).getByText("21")).toBeVisible();
  // The timeline lists each step with its duration; the run's output is shown as JSON.
  await expect(page.getByRole("list", { name: "Steps in the order they started" }).getByRole("button")).toHaveCount(3);
  await expect(page.getByRole("region", { name: "Run output" }).getByText("big")).toBeVisible();
  // The workflow name leads back to the editor.
  await expect(page.getByRole("link", { name: "Order totals" })).toHaveAttribute("href", new RegExp(`/workflows/${workflowId}$`));

  await page.setViewportSize({ width: 1920, height: 1080 });
  await attachScreenshot(page, testInfo, "run-inspector.png", { copyTo: path.join(__dirname, "..", "docs", "screenshots", "run-inspector.png") });
  await page.setViewportSize({ width: 1280, height: 800 });
  await attachScreenshot(page, testInfo, "run-inspector-1280.png");
});

test("a failed run shows its error, lands in dead letters, and retry from the failed node previews what re-runs", async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const workspacePath = await signUp(page, "Fay");
  const key = await createApiKey(page, workspacePath);
  const workflowId = await publishedWorkflow(request, key, "Card payments", {
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", "Payment requested", 0, {}),
      node("prepare", "transform", "Prepare charge", 320, { expression: '{ "cents": trigger.amount * 100 }' }),
      node("charge", "transform", "Charge card", 640, { expression: '$error("card declined")' }, { retry: { maxAttempts: 1 } }),
      node("receipt", "transform", "Send receipt", 960, { expression: '{ "sent": true }' }),
    ],
    edges: chain("start", "prepare", "charge", "receipt"),
  });
  const runId = await startRun(request, key, workflowId, { amount: 5 });

  await page.goto(`${workspacePath}/runs?status=failed`);
  const row = page.locator(`tr[data-run-id="${runId}"]`);
  await expect(row.getByText("Failed", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(row.getByText("card declined")).toBeVisible();

  // Failed for good: it is in the dead-letter tab too.
  await page.getByRole("link", { name: "Dead letters" }).click();
  await expect(page).toHaveURL(/tab=dead-letters/);
  await expect(page.locator(`tr[data-run-id="${runId}"]`)).toBeVisible();
  await expect(page.getByRole("button", { name: `Replay run ${runId.slice(0, 8)}` })).toBeVisible();

  // The inspector opens on the failed node, with its error.
  await page.locator(`tr[data-run-id="${runId}"]`).getByRole("link", { name: "Card payments" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The run failed at “Charge card”" })).toContainText("card declined");
  await expect(graphNode(page, "Charge card")).toHaveClass(/run-state-failed/);
  await expect(graphNode(page, "Prepare charge")).toHaveClass(/run-state-succeeded/);
  await expect(graphNode(page, "Send receipt")).toHaveClass(/run-state-not-run/);
  const details = page.getByRole("complementary", { name: "Node details" });
  await expect(details.getByRole("heading", { name: "Charge card" })).toBeVisible();
  await expect(details.getByRole("region", { name: "Error" })).toContainText("card declined");

  // Retry from here shows what runs again and what is reused, first.
  await details.getByRole("button", { name: "Retry from here…" }).click();
  const dialog = page.getByRole("dialog", { name: "Retry from “Charge card”" });
  await expect(dialog.getByRole("region", { name: "Will run again" })).toContainText("Charge card");
  await expect(dialog.getByRole("region", { name: "Will run again" })).toContainText("Send receipt");
  await expect(dialog.getByRole("region", { name: "Outputs reused" })).toContainText("Prepare charge");
  await expect(dialog.getByRole("region", { name: "Outputs reused" })).not.toContainText("Charge card");
  await expect(graphNode(page, "Prepare charge")).toHaveClass(/retry-reused/);
  await attachScreenshot(page, testInfo, "run-inspector-retry-preview.png");

  // Retrying opens the new run, which links back to the run it came from.
  await dialog.getByRole("button", { name: "Retry from “Charge card”" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("link", { name: runId.slice(0, 8) })).toBeVisible();
  await expect(page.locator(".run-header .run-status")).toHaveText("Failed", { timeout: 20_000 });
  await expect(graphNode(page, "Prepare charge")).toHaveClass(/run-state-succeeded/);

  // An unknown run id is a readable "not found", inside the workspace (the page streams, so the status stays 200).
  await page.goto(`${workspacePath}/runs/00000000-0000-4000-8000-000000000000`);
  await expect(page.getByRole("heading", { name: "Run not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to runs" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Runs" })).toBeVisible();
});

test("node states change live while a run sleeps; runs are cancelled and replayed in bulk", async ({ page, request }) => {
  test.setTimeout(120_000);
  const workspacePath = await signUp(page, "Lev");
  const key = await createApiKey(page, workspacePath);
  const sync = await publishedWorkflow(request, key, "Nightly sync", {
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", "Sync requested", 0, {}),
      node("wait", "delay", "Wait a bit", 320, { durationMs: 4_000 }),
      node("finish", "transform", "Finish", 640, { expression: '{ "synced": true }' }),
    ],
    edges: chain("start", "wait", "finish"),
  });
  const runId = await startRun(request, key, sync, {});
  await page.goto(`${workspacePath}/runs/${runId}`);
  await expect(graphNode(page, "Wait a bit")).toHaveClass(/run-state-waiting/);
  await expect(graphNode(page, "Finish")).toHaveClass(/run-state-queued/);
  await expect(page.locator(".run-header .run-status")).toHaveText("Sleeping");
  // No reload: the timeline stream turns the nodes green as the run goes on.
  await expect(graphNode(page, "Finish")).toHaveClass(/run-state-succeeded/, { timeout: 20_000 });
  await expect(graphNode(page, "Wait a bit")).toHaveClass(/run-state-succeeded/);
  await expect(page.locator(".run-header .run-status")).toHaveText("Succeeded");

  const report = await publishedWorkflow(request, key, "Weekly report", {
    schemaVersion: 1,
    nodes: [node("start", "trigger.manual", "Report due", 0, {}), node("wait", "delay", "Wait a week", 320, { durationMs: 600_000 })],
    edges: chain("start", "wait"),
  });
  const first = await startRun(request, key, report, { n: 1 });
  const second = await startRun(request, key, report, { n: 2 });
  await page.goto(`${workspacePath}/runs?workflow=${report}`);
  for (const id of [first, second]) {
    await expect(page.locator(`tr[data-run-id="${id}"]`).getByText("Sleeping", { exact: true })).toBeVisible({ timeout: 20_000 });
    await page.getByRole("checkbox", { name: `Select run ${id.slice(0, 8)} of Weekly report` }).check();
  }
  await expect(page.getByRole("button", { name: "Replay selected" })).toBeDisabled();
  await page.getByRole("button", { name: "Cancel selected (2)" }).click();
  await page.getByRole("dialog", { name: "Cancel 2 runs?" }).getByRole("button", { name: "Cancel runs" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancelled 2 runs." })).toBeVisible();
  for (const id of [first, second]) await expect(page.locator(`tr[data-run-id="${id}"]`).getByText("Cancelled", { exact: true })).toBeVisible();

  await page.getByRole("checkbox", { name: "Select all runs shown" }).check();
  await page.getByRole("button", { name: "Replay selected (2)" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Replayed 2 runs." })).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(4);
  await expect(page.getByRole("cell", { name: "Retry", exact: true })).toHaveCount(2);
});

test("a run waiting for approval is paused, resumed and approved from its inspector", async ({ page, request }) => {
  test.setTimeout(120_000);
  const workspacePath = await signUp(page, "Abe");
  const key = await createApiKey(page, workspacePath);
  const payout = await publishedWorkflow(request, key, "Payout approval", {
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", "Payout requested", 0, {}),
      node("approve", "approval", "Ask finance", 320, { title: "Approve the payout of {{ trigger.amount }}", instructions: "Check the invoice first." }),
      node("pay", "transform", "Pay out", 640, { expression: '{ "paid": trigger.amount }' }),
      node("declined", "transform", "Record decline", 640, { expression: '{ "paid": 0 }' }),
    ],
    edges: [
      { id: "start-approve", source: "start", target: "approve" },
      { id: "approve-pay", source: "approve", sourceHandle: "approved", target: "pay" },
      { id: "approve-declined", source: "approve", sourceHandle: "rejected", target: "declined" },
    ],
  });
  const runId = await startRun(request, key, payout, { amount: 120 });
  await page.goto(`${workspacePath}/runs/${runId}`);
  const status = page.locator(".run-header .run-status");
  await expect(status).toHaveText("Waiting", { timeout: 20_000 });
  await expect(graphNode(page, "Ask finance")).toHaveClass(/run-state-waiting/);
  const approvals = page.getByRole("region", { name: "Waiting for approval" });
  await expect(approvals.getByText("Approve the payout of 120", { exact: true })).toBeVisible();
  await expect(approvals.getByText("Check the invoice first.")).toBeVisible();

  // Pause and resume are offered while they apply.
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await expect(status).toHaveText("Paused");
  await expect(page.getByRole("button", { name: "Pause", exact: true })).toHaveCount(0);
  await page.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(status).toHaveText("Waiting", { timeout: 20_000 });

  await approvals.getByRole("textbox", { name: /Comment on/ }).fill("Invoice checked");
  await approvals.getByRole("button", { name: "Approve" }).click();
  await expect(status).toHaveText("Succeeded", { timeout: 20_000 });
  await expect(graphNode(page, "Pay out")).toHaveClass(/run-state-succeeded/);
  await expect(graphNode(page, "Record decline")).toHaveClass(/run-state-skipped/);
  await expect(approvals).toHaveCount(0);
  await graphNode(page, "Ask finance").click();
  await expect(page.getByRole("complementary", { name: "Node details" }).getByRole("region", { name: "Resumed with" })).toContainText("Invoice checked");
});
