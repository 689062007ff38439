import { createHmac } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signUp as signUpPerson } from "./support/accounts";
import { attachScreenshot } from "./support/artifacts";

/** Signs up a fresh user and answers their personal workspace's slug and id. */
async function signUpWithWorkspace(page: Page, name: string): Promise<{ slug: string; workspaceId: string }> {
  const slug = (await signUpPerson(page, name)).split("/")[2] as string;
  const workspace = await trpc<{ id: string }>(page, "workspace.bySlug", { slug });
  return { slug, workspaceId: workspace.id };
}

/** Calls a tRPC procedure as the signed-in user (setup the page under test does not cover). */
async function trpc<T>(page: Page, procedure: string, input: unknown, method: "GET" | "POST" = "GET"): Promise<T> {
  const response =
    method === "GET"
      ? await page.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
      : await page.request.post(`/api/trpc/${procedure}`, { data: { json: input } });
  const body = (await response.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!response.ok() || !body.result) throw new Error(`${procedure} failed: ${JSON.stringify(body.error ?? body)}`);
  return body.result.data.json;
}

/** A published workflow: webhook trigger → transform. */
async function publishedWebhookWorkflow(page: Page, workspaceId: string, name: string): Promise<string> {
  const imported = await trpc<{ workflow: { id: string } }>(
    page,
    "workflow.import",
    {
      workspaceId,
      format: "trellis.workflow",
      formatVersion: 1,
      name,
      definition: {
        schemaVersion: 1,
        nodes: [
          { id: "hook", type: "trigger.webhook", name: "Order placed", position: { x: 0, y: 0 }, config: { method: "POST" } },
          { id: "shape", type: "transform", name: "Shape", position: { x: 320, y: 0 }, config: { expression: '{ "order": trigger.body.order }' } },
        ],
        edges: [{ id: "e1", source: "hook", target: "shape" }],
      },
    },
    "POST",
  );
  await trpc(page, "workflowVersion.publish", { workspaceId, workflowId: imported.workflow.id, message: "e2e" }, "POST");
  return imported.workflow.id;
}


async function openSettings(page: Page, section: string) {
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: section, exact: true }).click();
}

test("a secret's value is shown neither after saving nor after a reload; it can be rotated and deleted", async ({ page }, testInfo) => {
  await signUpWithWorkspace(page, "Sam");
  await openSettings(page, "Secrets");
  await expect(page.getByText("No secrets yet.")).toBeVisible();

  const value = `sk_test_${Date.now()}_very_secret`;
  await page.getByLabel("Name").fill("STRIPE_KEY");
  await page.getByLabel("Value").fill(value);
  await page.getByRole("button", { name: "Add secret" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Secret “STRIPE_KEY” saved." })).toBeVisible();
  await expect(page.getByRole("cell", { name: "{{ secrets.STRIPE_KEY }}" })).toBeVisible();
  // Write-only: the form forgot it, the page never received it.
  await expect(page.getByLabel("Value")).toHaveValue("");
  await expect(page.locator("body")).not.toContainText(value);
  await page.reload();
  await expect(page.getByRole("cell", { name: "STRIPE_KEY", exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(value);
  await attachScreenshot(page, testInfo, "settings-secrets.png", { fullPage: true });

  // The same name again is refused, next to the field.
  await page.getByLabel("Name").fill("STRIPE_KEY");
  await page.getByLabel("Value").fill("another value");
  await page.getByRole("button", { name: "Add secret" }).click();
  await expect(page.getByText("This name is taken")).toBeVisible();

  await page.getByRole("button", { name: "Rotate STRIPE_KEY" }).click();
  const dialog = page.getByRole("dialog", { name: "Rotate STRIPE_KEY" });
  await dialog.getByLabel("New value").fill(`${value}_2`);
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row", { name: /STRIPE_KEY/ });
  await expect(row.getByText("never")).toBeHidden();
  expect(await page.content()).not.toContain(`${value}_2`);

  await page.getByRole("button", { name: "Delete STRIPE_KEY" }).click();
  await page.getByRole("button", { name: "Delete secret" }).click();
  await expect(page.getByText("No secrets yet.")).toBeVisible();
});

test("a webhook shows its URL, logs a signed delivery and a refused one, and replays the delivery", async ({ page, request }, testInfo) => {
  const { workspaceId } = await signUpWithWorkspace(page, "Wendy");
  const workflowName = `Orders ${Date.now()}`;
  await publishedWebhookWorkflow(page, workspaceId, workflowName);
  await openSettings(page, "Webhooks");
  await expect(page.getByText("No webhooks yet.")).toBeVisible();

  const form = page.getByRole("form", { name: "Create a webhook" });
  await expect(form.getByLabel("Signature scheme")).toHaveValue("hmac-sha256");
  await form.getByLabel("Name").fill("Shop orders");
  await form.getByLabel("Target workflow").selectOption({ label: workflowName });
  // An invalid slug is refused with the rule, next to the field.
  await form.getByLabel("Slug").fill("Not A Slug!");
  await form.getByRole("button", { name: "Create webhook" }).click();
  await expect(form.getByText(/Use 3 to 64 lower-case letters/)).toBeVisible();

  const slug = `orders-${Date.now()}`;
  await form.getByLabel("Slug").fill(slug);
  await form.getByRole("button", { name: "Create webhook" }).click();
  const url = await page.getByRole("region", { name: "Webhook “Shop orders” created" }).getByLabel("Endpoint URL").inputValue();
  expect(url).toMatch(new RegExp(`^https?://[^/]+/api/hooks/${slug}$`));
  const created = page.getByRole("region", { name: "Webhook “Shop orders” created" });
  const secret = await created.getByLabel("Signing secret").inputValue();
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  await expect(created.getByText("x-trellis-signature", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Shop orders" })).toBeVisible();
  await attachScreenshot(page, testInfo, "settings-webhook-created.png", { fullPage: true });

  // A sender signs the raw body with HMAC-SHA256, as the scheme requires.
  const body = JSON.stringify({ order: { id: "ord_42", total: 99.5 } });
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  const accepted = await request.post(url, { headers: { "content-type": "application/json", "x-trellis-signature": `sha256=${signature}` }, data: body });
  expect(accepted.status()).toBe(202);
  expect(accepted.headers().location).toMatch(/\/api\/v1\/runs\/[0-9a-f-]{36}$/);
  const forged = await request.post(url, { headers: { "content-type": "application/json", "x-trellis-signature": `sha256=${"0".repeat(64)}` }, data: body });
  expect(forged.status()).toBe(401);

  await page.getByRole("link", { name: "Open its delivery log" }).click();
  await expect(page.getByRole("heading", { name: "Shop orders" })).toBeVisible();
  await expect(page.getByLabel("Endpoint URL")).toHaveValue(url);
  const log = page.getByRole("region", { name: "Delivery log" });
  await expect(log.getByRole("row")).toHaveCount(3);
  const acceptedRow = log.getByRole("row").filter({ hasText: "Accepted" });
  const rejectedRow = log.getByRole("row").filter({ hasText: "Rejected" });
  await expect(acceptedRow).toContainText("202");
  await expect(rejectedRow).toContainText("401");

  // The refused delivery says why; the accepted one shows its headers (signature redacted) and body.
  await rejectedRow.getByRole("button", { name: /^Details/ }).click();
  await expect(log.getByText(/signature does not match the body/)).toBeVisible();
  await rejectedRow.getByRole("button", { name: /^Details/ }).click();
  await acceptedRow.getByRole("button", { name: /^Details/ }).click();
  const headers = log.getByRole("table", { name: "Request headers" });
  await expect(headers.getByRole("row", { name: /x-trellis-signature/ })).toContainText("[redacted]");
  await expect(log.getByRole("group", { name: "Delivery body" })).toContainText("ord_42");
  await attachScreenshot(page, testInfo, "settings-webhook-delivery-log.png", { fullPage: true });

  await log.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(log.getByRole("status").filter({ hasText: /Replayed: the delivery started run [0-9a-f]{8}/ })).toBeVisible();
  await expect(log.getByRole("row")).toHaveCount(4);
  await expect(log.getByRole("row").filter({ hasText: "Replay" })).toContainText("Accepted");

  // The editor's webhook trigger shows the same URL, its signature settings and a way back here.
  await page.getByRole("link", { name: workflowName }).click();
  await expect(page.getByTestId("canvas-ready")).toHaveAttribute("data-ready", "true");
  await page.locator(".react-flow__node", { hasText: "Order placed" }).click();
  const trigger = page.getByRole("region", { name: "Webhook URL" });
  await expect(trigger).toContainText(url);
  await expect(trigger).toContainText("HMAC-SHA256");
  await expect(trigger.getByRole("link", { name: /Settings and deliveries/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("editor-webhook-trigger.png") });
});

test("a schedule lists its next five fire times, refuses a bad pattern, pauses and resumes", async ({ page }, testInfo) => {
  const { workspaceId } = await signUpWithWorkspace(page, "Cole");
  const workflowName = `Report ${Date.now()}`;
  await publishedWebhookWorkflow(page, workspaceId, workflowName);
  await openSettings(page, "Schedules");
  await expect(page.getByText("No schedules yet.")).toBeVisible();

  const form = page.getByRole("form", { name: "Create a schedule" });
  await form.getByLabel("Workflow", { exact: true }).selectOption({ label: workflowName });
  await form.getByLabel("Cron pattern").fill("every weekday please");
  await form.getByRole("button", { name: "Create schedule" }).click();
  await expect(form.getByText(/invalid cron pattern/i)).toBeVisible();

  await form.getByLabel("Cron pattern").fill("0 9 * * 1-5");
  await form.getByLabel("Time zone").fill("Europe/Paris");
  await form.getByLabel("Name").fill("Weekday report");
  await form.getByRole("button", { name: "Create schedule" }).click();
  const times = page.getByRole("list", { name: "Next runs of Weekday report" });
  await expect(times.getByRole("listitem")).toHaveCount(5);
  // Weekdays at 09:00 in Paris.
  for (const item of await times.getByRole("listitem").all()) await expect(item).toHaveText(/^(Mon|Tue|Wed|Thu|Fri), .*09:00/);
  await attachScreenshot(page, testInfo, "settings-schedules.png", { fullPage: true });

  await page.getByRole("button", { name: "Pause Weekday report" }).click();
  await expect(page.getByText("Paused: no runs are scheduled.")).toBeVisible();
  await expect(times).toBeHidden();
  await page.getByRole("button", { name: "Resume Weekday report" }).click();
  await expect(times.getByRole("listitem")).toHaveCount(5);

  await page.getByRole("button", { name: "Delete Weekday report" }).click();
  await page.getByRole("button", { name: "Delete schedule" }).click();
  await expect(page.getByText("No schedules yet.")).toBeVisible();
});

test("notifications refuse a private address, and retention refuses an out-of-range value", async ({ page }, testInfo) => {
  await signUpWithWorkspace(page, "Nia");
  await openSettings(page, "Notifications");
  await expect(page.getByText("No subscriptions yet.")).toBeVisible();
  const subscribe = page.getByRole("form", { name: "Subscribe a URL" });
  await subscribe.getByLabel("URL").fill("http://10.0.0.1/hooks");
  await subscribe.getByRole("button", { name: "Subscribe" }).click();
  await expect(subscribe.locator(".field-error")).toBeVisible();
  await subscribe.getByLabel("URL").fill("https://example.com/hooks/trellis");
  await subscribe.getByRole("button", { name: "Subscribe" }).click();
  await expect(page.getByLabel("Notification signing secret")).toHaveValue(/^whsec_/);
  await expect(page.getByRole("cell", { name: "https://example.com/hooks/trellis", exact: true })).toBeVisible();
  await attachScreenshot(page, testInfo, "settings-notifications.png", { fullPage: true });

  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Retention", exact: true }).click();
  await expect(page.getByText(/kept for 30 days/)).toBeVisible();
  await page.getByLabel("Keep finished runs for (days)").fill("0");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByText("Keep runs for 1 to 3650 days")).toBeVisible();
  await page.getByLabel("Keep finished runs for (days)").fill("14");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Runs are now kept for 14 days." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Keep finished runs for (days)")).toHaveValue("14");
});
