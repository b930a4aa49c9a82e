import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = 'test-results/screenshots';

/** Debian's chromium, headless, with the flags this machine's closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export async function openWorkspace(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/**
 * The whole sandbox (emulated Slack, simulated AWS at 120x, embedded DynamoDB and the real bot over HTTP) and a
 * browser page on its workspace; `close` stops both.
 */
export async function startBrowserSandbox(): Promise<{
  sandbox: Sandbox;
  page: Page;
  close(): Promise<void>;
}> {
  const sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120 });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await sandbox.close();
  };
  try {
    browser = await launchBrowser();
    return { sandbox, page: await openWorkspace(browser, sandbox.url), close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function slash(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('composer').press('Enter');
}
