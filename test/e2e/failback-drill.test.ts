import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  expectRendered,
  paymentsRecordServing,
  SHOTS,
  slash,
  startBrowserSandbox,
  submitModal,
} from './browser.js';

/**
 * Failback and a drill in a real browser against the whole sandbox: payments fails over during a us-east-1
 * outage (as in failover.test.ts); once us-east-1 is back, Alice opens the failback check from the completed
 * failover's card, runs the offered setup (the S3 rule back), waits for Aurora to resync, requests the planned
 * failback, Bob approves, and payments serves from us-east-1 again. Then a drill of accounts with its result
 * card, and the last drill on `/dr status`.
 */
describe('failback and drill golden path in the browser', () => {
  let sandbox: Sandbox;
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  const messageWith = (testId: string) =>
    page.getByTestId('message').filter({ has: page.getByTestId(testId) });
  const button = (within: Locator, actionId: string) => within.getByTestId(`button-${actionId}`);
  const incidentCard = () => messageWith(`button-${ActionId.incidentAcknowledge}`).first();
  /** The card is edited while alarms arrive: click its replies again until the thread is open. */
  const openIncidentThread = async () => {
    const pane = page.getByTestId('thread-pane');
    await expect
      .poll(
        async () => {
          if (!(await pane.isVisible()))
            await incidentCard().getByTestId('replies').click({ timeout: 5_000 });
          return pane.isVisible();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
  };
  const as = async (user: string, channel: string) => {
    await page.getByTestId('user-switcher').selectOption(user);
    await page.getByTestId(`channel-${channel}`).click();
  };
  const failoverCard = () =>
    page.getByTestId('message').filter({ hasText: 'Unplanned failover of payments' }).last();
  const failbackCard = () =>
    page
      .getByTestId('message')
      .filter({
        hasText: 'Failback of payments',
        has: page.getByTestId(`button-${ActionId.failbackRecheck}`),
      })
      .last();
  const failbackRequest = () =>
    page.getByTestId('message').filter({ hasText: 'Planned failback of payments' }).last();
  /** The request card is posted in the incident thread while the incident is open, else in the channel. */
  const showFailbackRequest = async () => {
    if (await failbackRequest().isVisible()) return;
    if ((await incidentCard().count()) > 0) await openIncidentThread();
  };

  beforeAll(async () => {
    ({ sandbox, page, close } = await startBrowserSandbox());
  }, 60_000);
  afterAll(() => close?.());

  it('fails payments over during a us-east-1 outage', async () => {
    await as('U0ALICE', 'payments');
    await page.getByTestId('fault-outage-us-east-1').click();
    await expect.poll(() => incidentCard().count(), { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);
    await button(incidentCard(), ActionId.readinessRequestFailover).click();
    const modal = page.getByTestId('modal');
    await expect
      .poll(() => modal.textContent(), { timeout: 60_000 })
      .toContain('What unplanned failover would do');
    await page.getByTestId(`radio-${ActionId.failoverMode}-unplanned`).check();
    await page.getByTestId(`input-${ActionId.failoverReason}`).fill('us-east-1 outage');
    await submitModal(page);

    await as('U0BOB', 'payments');
    await openIncidentThread();
    const request = messageWith(`button-${ActionId.failoverApprove}`).last();
    await expect.poll(() => request.count(), { timeout: 20_000 }).toBe(1);
    await button(request, ActionId.failoverApprove).click();
    await page.getByTestId('confirm-ok').click();

    await expect
      .poll(() => failoverCard().textContent(), { timeout: 90_000, interval: 500 })
      .toContain('Completed');
    expect(
      sandbox.cloud.snapshot().rds.globalClusters.find((g) => g.id === 'payments-global')?.writer,
    ).toContain(':us-west-2:');
    await expectRendered(page, 'the completed failover');
  }, 160_000);

  it('says payments runs in us-west-2 on /dr status, the incident card and the panel; refuses a second failover', async () => {
    await as('U0ALICE', 'payments');
    const operating = page.getByTestId('operating-payments');
    await expect
      .poll(() => operating.getAttribute('data-phase'), { timeout: 20_000, interval: 500 })
      .toMatch(/^running-in-recovery/);
    expect(await operating.textContent()).toContain('Running in us-west-2');

    await slash(page, '/dr status payments');
    const status = page
      .getByTestId('message')
      .filter({ hasText: 'payments-db', has: page.getByTestId('button-readiness_recheck') })
      .last();
    await expect
      .poll(async () => (await status.textContent()) ?? '', { timeout: 30_000 })
      .toContain('Running in us-west-2');
    const text = (await status.textContent()) ?? '';
    expect(text).toContain('to fail back');
    expect(text).not.toContain("not the plan's primary");
    expect(await button(status, ActionId.readinessRequestFailover).count()).toBe(0);
    await expect
      .poll(async () => button(incidentCard(), ActionId.readinessRequestFailover).count(), {
        timeout: 30_000,
      })
      .toBe(0);
    await expectRendered(page, '/dr status in the recovery Region');
    await page.screenshot({ path: `${SHOTS}/30a-status-in-recovery.png` });

    await slash(page, '/dr failover payments');
    const refusal = page.getByTestId('message').filter({ hasText: '/dr failback payments' });
    await expect.poll(() => refusal.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  }, 90_000);

  it('offers failback from the completed failover card, refused until replication back exists', async () => {
    await page.getByTestId('fault-restore-us-east-1').click();
    await as('U0ALICE', 'payments');
    await openIncidentThread();
    await expect
      .poll(() => button(failoverCard(), ActionId.failbackOpen).count(), { timeout: 20_000 })
      .toBe(1);

    await button(failoverCard(), ActionId.failbackOpen).click();

    await expect.poll(() => failbackCard().count(), { timeout: 30_000 }).toBe(1);
    const text = (await failbackCard().textContent()) ?? '';
    expect(text).toContain('serves from its recovery Region');
    expect(text).toContain('Failback is not possible yet');
    expect(text).toContain('PutBucketReplication');
    expect(await failbackCard().getAttribute('data-ephemeral')).toBe('true');
    expect(await button(failbackCard(), ActionId.failbackRequest).count()).toBe(0);
    await expectRendered(page, 'failback refused');
    await page.screenshot({ path: `${SHOTS}/30-failback-not-ready.png` });
  }, 60_000);

  it('runs the offered setup and, once Aurora has resynchronized, offers the request', async () => {
    await button(failbackCard(), ActionId.failbackSetup).click();

    await expect
      .poll(
        async () => {
          if ((await button(failbackCard(), ActionId.failbackRequest).count()) > 0) return true;
          await button(failbackCard(), ActionId.failbackRecheck).click();
          return false;
        },
        { timeout: 90_000, interval: 2_000 },
      )
      .toBe(true);
    const text = (await failbackCard().textContent()) ?? '';
    expect(text).toContain('payments-receipts-usw2 replicates back to payments-receipts-use1');
    expect(text).toContain('Setup approved by');
    await expectRendered(page, 'failback ready');
    await page.screenshot({ path: `${SHOTS}/31-failback-ready.png` });
  }, 100_000);

  it('requests the planned failback with the exact plan, and Bob approves it', async () => {
    await button(failbackCard(), ActionId.failbackRequest).click();
    const modal = page.getByTestId('modal');
    await expect.poll(() => modal.textContent(), { timeout: 60_000 }).toContain('What the failback would do');
    const plan = (await modal.textContent()) ?? '';
    expect(plan).toContain('Switch over Aurora global cluster payments-global');
    expect(plan).toContain('Set ARC routing controls: primary On, recovery Off (traffic to us-east-1)');
    await page
      .getByTestId(`input-${ActionId.failbackReason}`)
      .fill('us-east-1 is back; replication caught up');
    await expectRendered(page, 'the failback modal');
    await page.screenshot({ path: `${SHOTS}/32-failback-modal.png` });
    await submitModal(page);

    await as('U0BOB', 'payments');
    await expect
      .poll(
        async () => {
          await showFailbackRequest();
          return failbackRequest().isVisible();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBe(true);
    expect(await failbackRequest().textContent()).toContain('Waiting for approval');
    await button(failbackRequest(), ActionId.failoverApprove).click();
    await page.getByTestId('confirm-ok').click();

    await expect
      .poll(() => failbackRequest().textContent(), { timeout: 120_000, interval: 500 })
      .toContain('Completed');
    const done = (await failbackRequest().textContent()) ?? '';
    expect(done).toContain('promote-db');
    expect(done).toContain('flip-dns');
    await expectRendered(page, 'the completed failback');
    await page.screenshot({ path: `${SHOTS}/33-failback-completed.png` });
  }, 160_000);

  it('leaves payments home: Aurora writer in us-east-1, the PRIMARY record serving', async () => {
    const world = sandbox.cloud.snapshot();

    expect(world.rds.globalClusters.find((g) => g.id === 'payments-global')?.writer).toContain(':us-east-1:');
    // The records settle after Route 53's health checkers' lag (paymentsRecordServing): poll, bounded.
    await expect
      .poll(() => paymentsRecordServing(sandbox, 'PRIMARY'), { timeout: 10_000, interval: 50 })
      .toBe(true);
    expect(paymentsRecordServing(sandbox, 'SECONDARY')).toBe(false);
  });

  it('says payments runs in us-east-1 again on /dr status and the panel, measuring readiness to fail over', async () => {
    await as('U0ALICE', 'payments');
    await expect
      .poll(() => page.getByTestId('operating-payments').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('normal-in-primary');
    await slash(page, '/dr status payments');
    const status = page
      .getByTestId('message')
      .filter({ hasText: 'Running in us-east-1', has: page.getByTestId('button-readiness_recheck') })
      .last();
    await expect.poll(() => status.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await button(status, ActionId.readinessRequestFailover).count()).toBe(1);
    await expectRendered(page, '/dr status at home again');
    await page.screenshot({ path: `${SHOTS}/33a-status-home-again.png` });
  }, 60_000);

  it('runs a drill of accounts to its result card, then shows it on /dr status', async () => {
    await as('U0ALICE', 'accounts');
    await slash(page, '/dr drill accounts quarterly recovery drill');
    const drill = () => messageWith(`button-${ActionId.drillApprove}`).last();
    await expect.poll(() => drill().count(), { timeout: 20_000 }).toBe(1);
    expect(await drill().textContent()).toContain('Not isolated');

    await as('U0BOB', 'accounts');
    await button(drill(), ActionId.drillApprove).click();

    const card = page.getByTestId('message').filter({ hasText: 'Drill of accounts' }).last();
    await expect.poll(() => card.textContent(), { timeout: 120_000, interval: 500 }).toMatch(/Passed|Failed/);
    const result = (await card.textContent()) ?? '';
    expect(result).toMatch(/RTO .+ \(target 30 min\)/);
    expect(await button(card, ActionId.drillCleanup).count()).toBe(1);
    await expectRendered(page, 'the drill result');
    await page.screenshot({ path: `${SHOTS}/34-drill-result.png` });

    await slash(page, '/dr status accounts');
    const status = page
      .getByTestId('message')
      .filter({ hasText: 'Last drill', has: page.getByTestId(`button-${ActionId.readinessRecheck}`) })
      .last();
    await expect.poll(() => status.count(), { timeout: 30_000 }).toBe(1);
    expect(await status.textContent()).toMatch(/Last drill: (passed|failed)/);
    await expectRendered(page, '/dr status with the last drill');
    await page.screenshot({ path: `${SHOTS}/35-status-last-drill.png` });
  }, 160_000);
});
