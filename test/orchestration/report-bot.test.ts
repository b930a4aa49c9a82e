import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import type { AuditEntry } from '../../src/audit/types.js';
import type { Lifeboat } from '../../src/main.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import {
  buttonClick,
  deliver,
  findCard,
  type ResponseSink,
  requestSubmission,
  startResponseSink,
  startWorld,
  type World,
} from '../approval/harness.js';

/**
 * A whole bot against the Slack emulator and the simulated cloud: an approved failover runs to completion and its
 * recovery report lands as a file in the request's thread (files.getUploadURLExternal, upload,
 * files.completeUploadExternal), with a `report.recovery` audit entry whose hash is the file's.
 */
describe('recovery report, end to end', () => {
  const plan: Plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'));
  let world: World;
  let bot: Lifeboat;
  let sink: ResponseSink;

  beforeAll(async () => {
    world = await startWorld(plan);
    sink = await startResponseSink();
    bot = await world.start(plan);
    await bot.readiness.check('payments');
  }, 60_000);
  afterAll(async () => {
    await sink?.close();
    await world?.close();
  });

  it('posts the report of a completed failover in its thread, hashed in the audit log', async () => {
    await deliver(bot, requestSubmission('U0ALICE', 'payments', 'us-east-1 writer unreachable'), world.clock);
    const card = await world.slack.waitFor(() => findCard(world.slack, 'C0PAYMENTS', 'payments'), 15_000);
    const executionId = card.approve.split('|')[0] ?? '';
    await deliver(
      bot,
      buttonClick({
        user: 'U0BOB',
        actionId: ActionId.failoverApprove,
        value: card.approve,
        channel: 'C0PAYMENTS',
        messageTs: card.ts,
        responseUrl: sink.url('bob'),
      }),
      world.clock,
    );
    await expect
      .poll(async () => (await bot.stores.executions.get(executionId))?.state, {
        timeout: 45_000,
        interval: 250,
      })
      .toBe('completed');

    const file = await world.slack.waitFor(
      () =>
        world.slack
          .files()
          .find((f) => f.completed && f.name.startsWith('lifeboat-recovery-payments-failover')),
      20_000,
    );
    expect(file.channel).toBe('C0PAYMENTS');
    expect(file.thread_ts).toBe(card.ts);
    const body = file.content.toString('utf8');
    expect(body).toContain('# Recovery report: payments failover');
    expect(body).toContain('- Requested by `U0ALICE`');
    expect(body).toContain('- Approved by `U0BOB`');
    expect(body).toMatch(/Actual recovery time \d/);
    expect(body).toMatch(/Up to .* the replication lag measured at approval/);
    // The message in the thread carries the file, as Slack shows it.
    const inThread = world.slack.thread('C0PAYMENTS', card.ts);
    expect(inThread.some((m) => m.files?.some((f) => f.id === file.id))).toBe(true);

    const entries: AuditEntry[] = [];
    for await (const e of bot.audit.query()) if (e.type === 'report.recovery') entries.push(e);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.executionId).toBe(executionId);
    expect(entries[0]?.details.sha256).toBe(createHash('sha256').update(file.content).digest('hex'));
  }, 90_000);
});
