import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Page, TestInfo } from "@playwright/test";

/**
 * A screenshot kept with the test's results and attached to its report;
 * `copyTo` also copies it into the repository (docs/screenshots).
 */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string, options: { copyTo?: string; fullPage?: boolean } = {}) {
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
  if (options.copyTo) {
    mkdirSync(path.dirname(options.copyTo), { recursive: true });
    copyFileSync(file, options.copyTo);
  }
}
