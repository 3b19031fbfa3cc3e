import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for a machine without network access and without a display. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'test-results', 'screenshots');

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** A new tab (same profile: same session storage per tab, so a new tab starts logged out). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Chromium with a fresh profile directory, downloads allowed, at 1280×800. */
export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
  });
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (e) => errors.push(e.message));
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    context,
    page,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`);
    },
  };
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * `bytes` as a file on disk, for setInputFiles: a path is read by Chromium itself, while a buffer
 * crosses the DevTools protocol in base64 (a 20 MiB buffer can take a minute on a busy machine).
 */
export function fileOnDisk(name: string, bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-upload-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
