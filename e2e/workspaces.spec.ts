import { expect, test } from "@playwright/test";
import { submitSignUp, uniqueEmail } from "./support/accounts";


test("an admin invites by email, the invitee opens the link signed in and joins", async ({ browser }) => {
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await submitSignUp(owner, "Olive", uniqueEmail("olive"));
  await expect(owner).toHaveURL(/\/w\/[a-z0-9-]+$/);
  const workspaceUrl = owner.url();

  await owner.getByRole("link", { name: "Settings", exact: true }).click();
  await owner.getByRole("link", { name: "Members", exact: true }).click();
  const inviteeEmail = uniqueEmail("ivan");
  const form = owner.getByRole("form", { name: "Invite a member" });
  await form.getByLabel("Email").fill(inviteeEmail);
  await form.getByRole("combobox", { name: /^Role/ }).selectOption("editor");
  await form.getByRole("button", { name: "Send invite" }).click();
  const inviteLink = await owner.getByLabel("Invite link").inputValue();
  expect(inviteLink).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
  await expect(owner.getByRole("button", { name: `Revoke invite for ${inviteeEmail}` })).toBeVisible();

  // The invitee is not signed in: the link sends them through sign-up and back.
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(inviteLink);
  await expect(invitee).toHaveURL(/\/sign-in\?callbackUrl=%2Finvite%2F/);
  await invitee.getByRole("link", { name: "Create an account" }).click();
  await expect(invitee).toHaveURL(/\/sign-up\?callbackUrl=%2Finvite%2F/);
  await submitSignUp(invitee, "Ivan", inviteeEmail, invitee.url());
  await expect(invitee).toHaveURL(/\/invite\//);
  await invitee.getByRole("button", { name: "Accept invite" }).click();
  await expect(invitee).toHaveURL(workspaceUrl);
  await expect(invitee.getByRole("heading", { level: 1 })).toHaveText("Olive's workspace");

  // Both workspaces are in the invitee's switcher.
  await invitee.getByRole("button", { name: /^Switch workspace/ }).click();
  await expect(invitee.getByRole("link", { name: /Olive's workspace/ })).toBeVisible();
  await invitee.getByRole("link", { name: /Ivan's workspace/ }).click();
  await expect(invitee.getByRole("heading", { level: 1 })).toHaveText("Ivan's workspace");

  await owner.reload();
  await expect(owner.getByLabel(`Role for ${inviteeEmail}`)).toHaveValue("editor");
  await ownerContext.close();
  await inviteeContext.close();
});

test("an admin creates an API key that is shown once and works against the REST API", async ({ page, request }) => {
  await submitSignUp(page, "Kay", uniqueEmail("kay"));
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByRole("link", { name: "API keys", exact: true }).click();
  await page.getByLabel("Name").fill("deploy bot");
  await page.getByLabel("workspace:read").check();
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByLabel("API key", { exact: true }).inputValue();
  expect(key).toMatch(/^trl_live_/);

  const ok = await request.get("/api/v1/workspace", { headers: { authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).name).toBe("Kay's workspace");

  await page.getByRole("button", { name: "Done" }).click();
  await page.getByRole("button", { name: "Revoke deploy bot" }).click();
  await page.getByRole("button", { name: "Revoke key" }).click();
  // exact: the page's help text also contains the word "Revoked".
  await expect(page.getByText("Revoked", { exact: true })).toBeVisible();
  const refused = await request.get("/api/v1/workspace", { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
});
