import { expect, type Page } from "@playwright/test";

/** Every e2e person signs up with this password (it passes the password policy). */
export const password = "trellis e2e 2026";

/** An address no earlier run used: each test starts with a new person. */
export const uniqueEmail = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;

/** Fills in and submits the sign-up form (at `/sign-up`, or an invite's sign-up link). */
export async function submitSignUp(page: Page, name: string, email: string, path = "/sign-up") {
  await page.goto(path);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Signs a new person up; answers their personal workspace's path (`/w/<slug>`). */
export async function signUp(page: Page, name: string): Promise<string> {
  await submitSignUp(page, name, uniqueEmail(name.toLowerCase()));
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
  return new URL(page.url()).pathname;
}
