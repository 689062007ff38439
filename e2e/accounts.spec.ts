import { expect, test, type Page } from "@playwright/test";
import { password, submitSignUp, uniqueEmail } from "./support/accounts";

async function signUp(page: Page, name: string, email: string) {
  await submitSignUp(page, name, email);
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${name}'s workspace`);
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test("sign up, land in the personal workspace, sign out and sign in again", async ({ page }) => {
  const email = uniqueEmail("ada");
  await signUp(page, "Ada", email);
  const workspaceUrl = page.url();

  await signOut(page);
  await page.goto(workspaceUrl);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(workspaceUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ada's workspace");
});

test("a wrong password shows an error and keeps the person on the sign-in page", async ({ page }) => {
  const email = uniqueEmail("grace");
  await signUp(page, "Grace", email);
  await signOut(page);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password 1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign-up explains a weak password and a duplicate email", async ({ page }) => {
  const email = uniqueEmail("linus");
  await signUp(page, "Linus", email);
  await signOut(page);

  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(uniqueEmail("weak"));
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters")).toBeVisible();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
});

test("a second user cannot open the first user's workspace", async ({ browser }) => {
  const first = await browser.newContext();
  const firstPage = await first.newPage();
  await signUp(firstPage, "Alan", uniqueEmail("alan"));
  const firstWorkspace = firstPage.url();

  const second = await browser.newContext();
  const secondPage = await second.newPage();
  await signUp(secondPage, "Barbara", uniqueEmail("barbara"));
  const response = await secondPage.goto(firstWorkspace);
  expect(response?.status()).toBe(404);
  await expect(secondPage.getByRole("heading", { name: "Not found" })).toBeVisible();
  await first.close();
  await second.close();
});
