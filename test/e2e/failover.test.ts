import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  elementShot,
  expectRendered,
  paymentsRecordServing,
  README_SHOTS,
  SHOTS,
  slash,
  startBrowserSandbox,
  submitModal,
} from './browser.js';

/**
 * The failover golden path in a real browser against the whole sandbox: a primary Region outage raises an
 * alarm card; Alice requests a failover from it (the request is posted in the incident's thread), cannot
 * approve her own request, Bob approves, the progress card completes and the service runs in the recovery
 * Region.
 */
describe('failover golden path in the browser', () => {
  let sandbox: Sandbox;
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  const messageWith = (testId: string) =>
    page.getByTestId('message').filter({ has: page.getByTestId(testId) });
  const requestCard = () => messageWith(`button-${ActionId.failoverApprove}`).last();
  /** The request and its progress card are posted in the open incident's thread. */
  const openIncidentThread = async () => {
    await messageWith(`button-${ActionId.incidentAcknowledge}`).first().getByTestId('replies').click();
    await expect.poll(() => page.getByTestId('thread-pane').isVisible()).toBe(true);
  };
  const approveAs = async (user: string) => {
    await page.getByTestId('user-switcher').selectOption(user);
    await page.getByTestId('channel-payments').click();
    await openIncidentThread();
    await requestCard().getByTestId(`button-${ActionId.failoverApprove}`).click();
    await page.getByTestId('confirm-ok').click();
  };

  beforeAll(async () => {
    ({ sandbox, page, close } = await startBrowserSandbox());
  }, 60_000);
  afterAll(() => close?.());

  it('shows the alarm card of a primary Region outage', async () => {
    await page.getByTestId('user-switcher').selectOption('U0ALICE');
    await page.getByTestId('channel-payments').click();

    await page.getByTestId('fault-outage-us-east-1').click();

    const alarmCard = messageWith(`button-${ActionId.incidentAcknowledge}`);
    await expect.poll(() => alarmCard.count(), { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);
    await expectRendered(page, 'the alarm card');
    // The README's shot shows one moment: the panel lists the alarm the card shows (it polls every
    // 2 s), and the card's readiness is measured rather than still being checked.
    await expect
      .poll(() => page.getByTestId('sandbox-now').getAttribute('data-alarms'), { timeout: 15_000 })
      .toContain('payments-');
    await expect
      .poll(() => alarmCard.first().innerText(), { timeout: 60_000, interval: 250 })
      .not.toContain('Checking readiness');
    await page.screenshot({ path: README_SHOTS.alarmCard });
  }, 120_000);

  it('lets Alice request an unplanned failover from the alarm card, with the plan of what will be done', async () => {
    const alarmCard = messageWith(`button-${ActionId.incidentAcknowledge}`).first();
    await alarmCard.getByTestId(`button-${ActionId.readinessRequestFailover}`).click();

    const modal = page.getByTestId('modal');
    await expect
      // The modal measures readiness first; during the outage some of its calls time out, and CI may be loaded.
      .poll(() => modal.textContent(), { timeout: 60_000 })
      .toContain('What unplanned failover would do');
    expect(await modal.textContent()).toContain('AllowDataLoss');
    await page.getByTestId(`radio-${ActionId.failoverMode}-unplanned`).check();
    await page
      .getByTestId(`input-${ActionId.failoverReason}`)
      .fill('us-east-1 outage: payments writer unreachable');
    await expectRendered(page, 'the failover request modal');
    await page.screenshot({ path: `${SHOTS}/11-failover-modal.png` });
    await submitModal(page);
    await openIncidentThread();

    await expect.poll(() => requestCard().count(), { timeout: 20_000 }).toBe(1);
    expect(await requestCard().textContent()).toContain('Waiting for approval');
    await expectRendered(page, 'the failover request');
  }, 100_000);

  it('refuses Alice approving her own request', async () => {
    await approveAs('U0ALICE');

    const refusal = page.getByTestId('message').filter({ hasText: 'You requested this failover' });
    await expect.poll(() => refusal.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await refusal.first().getAttribute('data-ephemeral')).toBe('true');
    await expectRendered(page, 'the refused self-approval');
    await page.screenshot({ path: `${SHOTS}/12-failover-self-approval-refused.png` });
  }, 30_000);

  it('runs the failover once Bob approves, and the progress card completes', async () => {
    await approveAs('U0BOB');

    const card = page.getByTestId('message').filter({ hasText: 'Unplanned failover of payments' }).last();
    await expect.poll(() => card.textContent(), { timeout: 90_000, interval: 500 }).toContain('Completed');
    // The demo plan moves DNS with ARC routing controls (Route 53's control plane is down with us-east-1)
    expect(await card.textContent()).toContain('flip-dns');
    expect(await card.textContent()).toContain('tell-stakeholders');
    await expectRendered(page, 'the completed failover');
    // The card itself: the thread keeps following the alarms' replies, so a page shot may not show it.
    await elementShot(card, README_SHOTS.failoverCompleted);
  }, 100_000);

  it('says afterwards on /dr status that payments runs in us-west-2', async () => {
    await page.getByTestId('thread-close').click();
    await slash(page, '/dr status payments');

    const status = page
      .getByTestId('message')
      .filter({ hasText: 'payments-db', has: page.getByTestId(`button-${ActionId.readinessRecheck}`) })
      .last();
    await expect
      .poll(async () => (await status.textContent()) ?? '', { timeout: 30_000 })
      .toContain('Running in us-west-2');
    await expectRendered(page, '/dr status after the failover');
    await page.screenshot({ path: `${SHOTS}/14-status-after-failover.png` });
  }, 60_000);

  it('leaves payments running in the recovery Region', async () => {
    const world = sandbox.cloud.snapshot();

    const global = world.rds.globalClusters.find((g) => g.id === 'payments-global');
    expect(global?.writer).toContain(':us-west-2:');
    // The records settle after Route 53's health checkers' lag (paymentsRecordServing): poll, bounded.
    await expect
      .poll(() => paymentsRecordServing(sandbox, 'SECONDARY'), { timeout: 10_000, interval: 50 })
      .toBe(true);
    expect(paymentsRecordServing(sandbox, 'PRIMARY')).toBe(false);
  });
});
