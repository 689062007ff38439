import { expect, test } from "@playwright/test";
import { signUp } from "./support/accounts";
import { connect, createWorkflow, dragFromPalette, expectSaved, inputHandle, node, outputHandle, sidePanel } from "./support/editor";


test("build a workflow on the canvas, fix a compiler problem, publish and restore an older version", async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, "Edna");
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  await expect(page.getByText("No workflows yet")).toBeVisible();
  await createWorkflow(page, "Order router");

  // The blank workflow's trigger goes; the compiler notices at once and publishing is blocked.
  await node(page, "Start").click();
  await page.keyboard.press("Delete");
  await expect(node(page, "Start")).toHaveCount(0);
  const problems = page.getByRole("region", { name: "Problems" });
  await problems.getByRole("button", { name: /Problems/ }).click();
  await expect(problems.getByText("the workflow needs a trigger node")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("editor-missing-trigger.png") });
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  await expect(page.getByText("Fix 1 problem to publish")).toBeVisible();
  const problemsToggle = problems.getByRole("button", { name: /Problems/ });
  await problemsToggle.click();

  // Make room, then drag the nodes from the palette.
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Zoom out" }).click();
  await dragFromPalette(page, "Manual trigger", 90, 240);
  await expect(node(page, "Manual trigger")).toBeVisible();
  await expect(page.getByText("Fix 1 problem to publish")).toHaveCount(0);
  await dragFromPalette(page, "Transform", 250, 240);
  await dragFromPalette(page, "If / else", 410, 240);
  await dragFromPalette(page, "Transform", 590, 110);
  await dragFromPalette(page, "Transform", 590, 340);
  await expect(page.locator(".react-flow__node")).toHaveCount(5);

  // Connect them handle to handle.
  await connect(page, outputHandle(page, "Manual trigger"), inputHandle(page, "Transform"));
  await connect(page, outputHandle(page, "Transform"), inputHandle(page, "If / else"));
  await connect(page, outputHandle(page, "If / else", "true"), inputHandle(page, "Transform 2"));
  await connect(page, outputHandle(page, "If / else", "false"), inputHandle(page, "Transform 3"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(4);

  // A connection the node types do not allow is refused, with the reason.
  await connect(page, outputHandle(page, "Transform 2"), inputHandle(page, "Transform 2"));
  await expect(page.getByText("A node cannot connect to itself.")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(4);

  // Unconfigured transforms are compiler problems, drawn on their nodes and listed.
  await expect(node(page, "Transform")).toHaveClass(/has-error/);
  await problemsToggle.click();
  await expect(problems.getByText("Invalid input: expected string, received undefined").first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("editor-problems.png") });

  // Configure through the side panel.
  await node(page, "Transform").click();
  await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill('{ "total": trigger.amount * 2 }');
  await expect(node(page, "Transform")).not.toHaveClass(/has-error/);

  await node(page, "If / else").click();
  const condition = sidePanel(page).getByRole("combobox", { name: "Expression" });
  await condition.click();
  // Autocompletion offers the upstream node's output.
  await condition.pressSequentially("nodes.tr");
  await expect(page.getByRole("option", { name: /nodes\.transform\.output/ })).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(condition).toHaveValue("nodes.transform.output");
  // An unfinished expression is a problem on the node…
  await condition.pressSequentially(".total >");
  await expect(node(page, "If / else")).toHaveClass(/has-error/);
  await expect(problems.getByRole("button", { name: /If \/ else$/ })).toBeVisible();
  // …until it is finished.
  await condition.pressSequentially(" 100");
  await expect(condition).toHaveValue("nodes.transform.output.total > 100");
  await expect(node(page, "If / else")).not.toHaveClass(/has-error/);

  await node(page, "Transform 2").click();
  await sidePanel(page).getByLabel("Node name").fill("Big order");
  await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill('{ "review": true }');
  await node(page, "Transform 3").click();
  await sidePanel(page).getByLabel("Node name").fill("Small order");
  await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill('{ "review": false }');
  await expect(node(page, "Big order")).toBeVisible();

  await expect(problems.getByText("No problems")).toBeVisible();
  await expectSaved(page);
  await page.getByRole("button", { name: "Auto layout" }).click();
  await expect(page.getByText("Laid out left to right")).toBeVisible();
  await expectSaved(page);
  await page.screenshot({ path: test.info().outputPath("editor.png") });

  // Publish version 1 with a message.
  const publish = page.getByRole("button", { name: "Publish", exact: true });
  await expect(publish).toBeEnabled();
  await publish.click();
  const publishDialog = page.getByRole("dialog", { name: "Publish version 1" });
  await publishDialog.getByLabel("What changed?").fill("Route orders by size");
  await publishDialog.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published version 1")).toBeVisible();
  await expect(page.getByText("Published v1")).toBeVisible();

  // Change the draft and publish version 2.
  await node(page, "Big order").click();
  await sidePanel(page).getByRole("combobox", { name: "Expression" }).fill('{ "review": true, "priority": "high" }');
  await expectSaved(page);
  await expect(page.getByText("v1 · unpublished changes")).toBeVisible();
  await publish.click();
  await page.getByRole("dialog", { name: "Publish version 2" }).getByLabel("What changed?").fill("Flag big orders as high priority");
  await page.getByRole("dialog", { name: "Publish version 2" }).getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published v2")).toBeVisible();

  // Version 1, compared with the draft, then restored.
  await page.getByRole("tab", { name: "Versions" }).click();
  await expect(page.getByRole("button", { name: "Open version 2: Flag big orders as high priority" })).toBeVisible();
  await page.getByRole("button", { name: "Open version 1: Route orders by size" }).click();
  const banner = page.getByRole("region", { name: "Version preview" });
  await expect(banner).toContainText("Version 1");
  await expect(banner).toContainText("1 changed");
  await expect(node(page, "Big order")).toHaveClass(/diff-changed/);
  await expect(node(page, "Small order")).not.toHaveClass(/diff-/);
  await page.screenshot({ path: test.info().outputPath("editor-version-diff.png") });
  await banner.getByRole("button", { name: "Restore this version" }).click();
  await expect(page.getByText("Restored version 1 into the draft")).toBeVisible();
  await expect(banner).toHaveCount(0);
  await expectSaved(page);

  // The draft is version 1 again, also after a reload.
  await page.reload();
  await expect(page.getByTestId("canvas-ready")).toHaveAttribute("data-ready", "true");
  await node(page, "Big order").click();
  await expect(sidePanel(page).getByRole("combobox", { name: "Expression" })).toHaveValue('{ "review": true }');
  await expect(page.getByText("v2 · unpublished changes")).toBeVisible();

  // The same editor at full HD, for the record.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByRole("button", { name: "Zoom to fit" }).click();
  await page.screenshot({ path: test.info().outputPath("editor-1920.png") });

  // Back in the list, the workflow shows its state.
  await page.getByRole("link", { name: "Back to workflows" }).click();
  const row = page.getByRole("row", { name: /Order router/ });
  await expect(row.getByText("v2 · changes")).toBeVisible();
});

test("keyboard: add from the palette, copy and paste, undo and redo", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, "Kit");
  await createWorkflow(page, "Keyboard only");

  // Select the trigger, then add nodes with the keyboard: each continues from the selected one.
  await node(page, "Start").click();
  const transform = page.getByRole("button", { name: "Add Transform", exact: true });
  await transform.focus();
  await page.keyboard.press("Enter");
  await expect(node(page, "Transform")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  // Copy and paste the selected node: a new id and name, no edge to the outside.
  await node(page, "Transform").click();
  await page.keyboard.press("ControlOrMeta+c");
  await page.keyboard.press("ControlOrMeta+v");
  await expect(node(page, "Transform 2")).toBeVisible();
  await expect(page.locator(".react-flow__node")).toHaveCount(3);

  await page.keyboard.press("ControlOrMeta+z");
  await expect(page.locator(".react-flow__node")).toHaveCount(2);
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(page.locator(".react-flow__node")).toHaveCount(3);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.locator(".react-flow__node")).toHaveCount(2);

  // The side panel connects nodes too.
  await page.getByRole("button", { name: "Add If / else", exact: true }).click();
  await node(page, "Transform").click();
  await sidePanel(page).getByRole("combobox", { name: "Connect output to" }).selectOption({ label: "If / else" });
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await expectSaved(page);
});

test("a save from another tab is a conflict this tab can reload", async ({ page, context }) => {
  test.setTimeout(120_000);
  await signUp(page, "Cleo");
  await createWorkflow(page, "Shared");
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(other.getByTestId("canvas-ready")).toHaveAttribute("data-ready", "true");

  await node(page, "Start").click();
  await sidePanel(page).getByLabel("Node name").fill("Begin");
  await expectSaved(page);

  await node(other, "Start").click();
  await sidePanel(other).getByLabel("Node name").fill("Kick-off");
  const banner = other.getByRole("alert").filter({ hasText: "changed in another tab" });
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await expect(banner.getByRole("button", { name: "Overwrite" })).toBeVisible();
  await banner.getByRole("button", { name: "Reload" }).click();
  await expect(node(other, "Begin")).toBeVisible();
  await expectSaved(other);
});
