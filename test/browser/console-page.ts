import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

/** Git-ignored: each run overwrites them; look at them after a change to the console. */
export const SCREENSHOT_DIR = join(process.cwd(), 'test', 'browser', 'screenshots');
export const SESSION_KEY_NAME = 'hookrelay.console.adminKey';

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  /** Every URL the page requested. */
  urls: string[];
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh tab at `width` px, recording errors and requests; optionally signed in already. */
export async function openConsole(
  browser: Browser,
  baseUrl: string,
  width: number,
  signedInWith?: string,
): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 844 : 900 },
    deviceScaleFactor: 1,
  });
  if (signedInWith)
    await context.addInitScript(
      `sessionStorage.setItem(${JSON.stringify(SESSION_KEY_NAME)}, ${JSON.stringify(signedInWith)})`,
    );
  const page = await context.newPage();
  const errors: string[] = [];
  const urls: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => urls.push(r.url()));
  await page.goto(`${baseUrl}/console/`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    page,
    context,
    errors,
    urls,
    shot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
    },
    close: () => context.close(),
  };
}

/** Clicks `refresh` until `probe` finds what it waits for (the worker and observers are async). */
export async function refreshUntil(
  page: Page,
  refresh: () => Promise<void>,
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await refresh();
    await page.waitForTimeout(300);
  }
}
