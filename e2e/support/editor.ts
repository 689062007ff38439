import { expect, type Locator, type Page } from "@playwright/test";

/**
 * What the editor specs do as a person would: create a workflow,
 * drag from the palette, draw edges, wait for the draft to be saved.
 */

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
