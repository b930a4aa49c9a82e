import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
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

/**
 * Raw Slack markup that must never reach a reader: every visible text of the page (channel, thread, modal,
 * App Home, panel) is checked after each step of a story. A `:shortcode:` counts only as a word of its own
 * (not the colons of an ARN or a time), `*bold*` only between spaces or punctuation.
 */
const RAW_MARKUP: readonly { what: string; pattern: RegExp }[] = [
  { what: 'emoji shortcode', pattern: /(?:^|[\s(])(:[a-z0-9_+-]+:)(?=$|[\s),.;!?])/m },
  { what: 'date token', pattern: /<!date/ },
  { what: 'user mention', pattern: /<@U/ },
  { what: 'escaped <', pattern: /&lt;/ },
  { what: 'escaped >', pattern: /&gt;/ },
  { what: 'unrendered bold', pattern: /(?:^|[\s(])(\*[^*\s][^*\n]*\*)(?=$|[\s),.;:!?])/m },
];

/** Fails, naming the step, the markup and its line, when any visible text shows raw Slack markup. */
export async function expectRendered(page: Page, step: string): Promise<void> {
  const text = await page.locator('body').innerText();
  const found: string[] = [];
  for (const line of text.split('\n')) {
    for (const { what, pattern } of RAW_MARKUP) if (pattern.test(line)) found.push(`${what}: ${line.trim()}`);
  }
  if (found.length > 0) throw new Error(`after "${step}", raw Slack markup is visible:\n${found.join('\n')}`);
}

/**
 * Submits the open modal and waits until it has closed (the bot acked without errors). When it stays open,
 * the failure says why: the modal's own error texts and the emulator's toasts (e.g. a missed 3 s ack).
 */
export async function submitModal(page: Page, timeoutMs = 30_000): Promise<void> {
  const modal = page.getByTestId('modal');
  const viewId = await modal.getAttribute('data-view-id');
  await page.getByTestId('modal-submit').click();
  const open = page.locator(`[data-testid="modal"][data-view-id="${viewId}"]`);
  try {
    await open.waitFor({ state: 'detached', timeout: timeoutMs });
  } catch {
    const errors = await page.locator('.modal-error, .bk-error, .toast').allTextContents();
    throw new Error(
      `the modal ${viewId} did not close after submit: ${errors.join(' | ') || 'no error shown'}`,
    );
  }
}

/** The README's screenshots, written by the browser tests from the current UI (README.md shows exactly these). */
export const README_SHOTS = {
  status: 'docs/screenshots/sandbox-status.png',
  alarmCard: 'docs/screenshots/sandbox-alarm-card.png',
  failoverCompleted: 'docs/screenshots/sandbox-failover-completed.png',
  appHome: 'docs/screenshots/sandbox-app-home.png',
} as const;

/**
 * A screenshot of one element (a card) for the docs. The emulator renders a message again when it is updated
 * (the progress card is edited while its thread follows the alarms), and Playwright's element screenshot
 * refuses a node replaced while it waits for stability; so the shot is of the page, clipped to the element's
 * box as it is now. Only the picture is retried; no assertion depends on it.
 */
export async function elementShot(element: Locator, path: string): Promise<void> {
  const page = element.page();
  const viewport = page.viewportSize();
  try {
    // A card taller than the window is shot whole: the window grows for the shot (its pane grows with it).
    const height = (await element.boundingBox({ timeout: 5_000 }))?.height ?? 0;
    if (viewport && height + 400 > viewport.height)
      await page.setViewportSize({ width: viewport.width, height: Math.ceil(height + 400) });
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await element.scrollIntoViewIfNeeded({ timeout: 5_000 });
        const box = await element.boundingBox({ timeout: 5_000 });
        const size = page.viewportSize();
        if (!box || !size) continue;
        // Only what the window shows can be clipped (a page screenshot is of the viewport).
        const x = Math.max(0, box.x);
        const y = Math.max(0, box.y);
        const width = Math.min(box.x + box.width, size.width) - x;
        const clipHeight = Math.min(box.y + box.height, size.height) - y;
        if (width <= 0 || clipHeight <= 0) continue;
        await page.screenshot({ path, clip: { x, y, width, height: clipHeight } });
        return;
      } catch (error) {
        const replaced = error instanceof Error && /not attached|not stable|detached/i.test(error.message);
        if (!replaced) throw error;
      }
    }
    // The picture is documentation, not an assertion: the whole window rather than no picture.
    await page.screenshot({ path });
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

/**
 * Whether the sandbox's `failover` record of api.payments.example.com serves now. Route 53's health checkers
 * follow the routing controls with a lag, and the ARC step does not wait for them yet (a known gap,
 * docs/runbook.md "Guarantees and limits"), so the tests poll this until the records settle, bounded.
 */
export function paymentsRecordServing(
  sandbox: Sandbox,
  failover: 'PRIMARY' | 'SECONDARY',
): boolean | undefined {
  return sandbox.cloud
    .snapshot()
    .route53.records.find((r) => r.name.startsWith('api.payments.example.com') && r.failover === failover)
    ?.serving;
}
