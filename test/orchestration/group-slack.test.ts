import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, BlockId, CallbackId } from '../../blocks/ids.js';
import type { Lifeboat } from '../../src/main.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import {
  buttonClick,
  deliver,
  findCard,
  form,
  type ResponseSink,
  startResponseSink,
  startWorld,
  type World,
} from '../approval/harness.js';

/** The request modal of `/dr failover payments accounts`, submitted: one request for both, in after: order. */
function groupSubmission(user: string, services: string[], reason: string): string {
  return form({
    type: 'view_submission',
    team: { id: 'T0LIFEBOAT', domain: 'lifeboat' },
    user: { id: user, team_id: 'T0LIFEBOAT' },
    api_app_id: 'A0LIFEBOAT',
    trigger_id: '1.2.3',
    view: {
      id: 'VGROUP1',
      team_id: 'T0LIFEBOAT',
      type: 'modal',
      callback_id: CallbackId.failoverRequest,
      private_metadata: JSON.stringify({ service: services[0], services, channel: 'C0ACCOUNTS' }),
      state: {
        values: {
          [BlockId.failoverMode]: {
            [ActionId.failoverMode]: { type: 'radio_buttons', selected_option: { value: 'unplanned' } },
          },
          [BlockId.failoverReason]: {
            [ActionId.failoverReason]: { type: 'plain_text_input', value: reason },
          },
        },
      },
      hash: 'h',
      blocks: [],
    },
  });
}

describe('one request for several services, through Slack', () => {
  const yaml = readFileSync('dr-plan.example.yml', 'utf8');
  const plan: Plan = parsePlan(yaml);
  let world: World;
  let bot: Lifeboat;
  let sink: ResponseSink;

  beforeAll(async () => {
    world = await startWorld(plan);
    sink = await startResponseSink();
    bot = await world.start(plan);
    await bot.readiness.check('payments');
    await bot.readiness.check('accounts');
  }, 60_000);
  afterAll(async () => {
    await sink?.close();
    await world?.close();
  });

  it('posts one card, refuses an approver of only one service, and runs both after one approval', async () => {
    await deliver(
      bot,
      groupSubmission('U0ALICE', ['accounts', 'payments'], 'us-east-1 is down'),
      world.clock,
    );
    const card = await world.slack.waitFor(() => findCard(world.slack, 'C0ACCOUNTS', 'accounts'), 15_000);
    const executionId = card.approve.split('|')[0] ?? '';
    const posted = world.slack.messages('C0ACCOUNTS').find((m) => m.ts === card.ts);
    expect(JSON.stringify(posted?.blocks)).toContain('One request for several services');
    const click = (user: string, name: string) =>
      buttonClick({
        user,
        actionId: ActionId.failoverApprove,
        value: card.approve,
        channel: 'C0ACCOUNTS',
        messageTs: card.ts,
        responseUrl: sink.url(name),
      });

    await deliver(bot, click('U0CAROL', 'carol'), world.clock);
    await expect.poll(() => sink.answers('carol').length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(sink.answers('carol')[0]?.text).toContain('not an approver of accounts');

    await deliver(bot, click('U0BOB', 'bob'), world.clock);
    await expect
      .poll(async () => (await bot.stores.executions.get(`${executionId}.1`))?.state, {
        timeout: 60_000,
        interval: 250,
      })
      .toBe('completed');
    expect((await bot.stores.executions.get(executionId))?.state).toBe('completed');
    await expect
      .poll(
        () => JSON.stringify(world.slack.messages('C0ACCOUNTS').find((m) => m.ts === card.ts)?.blocks ?? []),
        { timeout: 15_000 },
      )
      .toContain('2. *payments*: completed');
  }, 120_000);
});
