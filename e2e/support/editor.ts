import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

/**
 * What the editor specs do as a person would: sign up, create a workflow,
 * drag from the palette, draw edges, wait for the draft to be saved.
 */

export const password = "trellis e2e 2026";
export const uniqueEmail = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;

/** Signs a new person up; answers their workspace's path (`/w/<slug>`). */
export async function signUp(page: Page, name: string): Promise<string> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(uniqueEmail(name.toLowerCase()));
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
  return new URL(page.url()).pathname;
}

export async function createWorkflow(page: Page, name: string) {
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Workflows" })).toBeVisible();
  await page.getByRole("button", { name: "New workflow" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New workflow" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("canvas-ready")).toHaveAttribute("data-ready", "true");
}

const escape = (text: string) => text.replace(/[/\\^$*+?.()|[\]{}]/g, "\\$&");

/** A node on the canvas by its visible name. */
export const node = (page: Page, name: string) =>
  page.locator(".react-flow__node", { has: page.locator(".wf-node-name", { hasText: new RegExp(`^${escape(name)}$`) }) });

export const outputHandle = (page: Page, name: string, handle = "out") => node(page, name).locator(`.react-flow__handle.source[data-handleid="${handle}"]`);
export const inputHandle = (page: Page, name: string) => node(page, name).locator(".react-flow__handle.target");

async function center(locator: Locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error("not visible");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Draws an edge the way a person does: press on one handle, move, release on another. */
export async function connect(page: Page, from: Locator, to: Locator) {
  const a = await center(from);
  const b = await center(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

/** Drags a palette item onto the canvas at a point of the pane. */
export async function dragFromPalette(page: Page, title: string, x: number, y: number) {
  await page.getByRole("button", { name: `Add ${title}`, exact: true }).dragTo(page.locator(".react-flow__pane"), { targetPosition: { x, y } });
}

export async function expectSaved(page: Page) {
  await expect(page.locator("[data-save-status]")).toHaveAttribute("data-save-status", "saved", { timeout: 15_000 });
}

/** The side panel's open tab. */
export const sidePanel = (page: Page) => page.getByRole("tabpanel");

/** A screenshot attached to the test's report, and optionally copied into the repository (docs/screenshots). */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string, copyTo?: string) {
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file, fullPage: false });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
  if (copyTo) {
    mkdirSync(path.dirname(copyTo), { recursive: true });
    copyFileSync(file, copyTo);
  }
}
