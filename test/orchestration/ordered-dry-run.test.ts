import { readFileSync } from 'node:fs';
import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { type FailoverHandlerDeps, makeFailoverCommand } from '../../handlers/commands/failover.js';
import type { DryRunView, FailoverMode } from '../../src/approval/types.js';
import { parsePlan } from '../../src/plan/load.js';
import { commandContext } from '../audit/fake-slack.js';

const yaml = readFileSync('dr-plan.example.yml', 'utf8');
const plan = parsePlan(yaml);

function command() {
  const dryRuns: string[] = [];
  const audited: { type: string; actor: string; service?: string }[] = [];
  const deps = {
    getPlan: () => plan,
    approvers: {
      isApprover: async (p: typeof plan, service: string, user: string) =>
        p.services[service]?.approvers.users.includes(user) ?? false,
    },
    audit: {
      append: async (e: { type: string; actor: string; service?: string }) =>
        void audited.push({ type: e.type, actor: e.actor, ...(e.service ? { service: e.service } : {}) }),
    },
    readiness: { check: async () => Promise.reject(new Error('not measured in this test')) },
    logger: { warn: () => undefined },
    runner: {
      dryRun: async (service: string, mode: FailoverMode): Promise<DryRunView> => {
        dryRuns.push(`${service}:${mode}`);
        return {
          service,
          mode,
          steps: [
            { id: `${service}-step`, kind: 'wait', action: `wait for ${service}`, irreversible: false },
          ],
          warnings: [],
        };
      },
    },
  } as unknown as FailoverHandlerDeps;
  return { run: makeFailoverCommand(deps), dryRuns, audited };
}

describe('/dr failover with several services', () => {
  it('dry-runs them in the plan order (after:), whatever order they were named in', async () => {
    const { run, dryRuns } = command();
    const { ctx, responses } = commandContext({} as WebClient, 'U0DAVE', [
      'payments',
      'accounts',
      '--dry-run',
    ]);

    await run(ctx);

    const answer = JSON.stringify(responses[0]);
    expect(responses[0]?.text).toBe(
      'Dry-run of the failover of accounts, payments in this order: nothing was changed.',
    );
    expect(answer).toContain('1. `accounts`');
    expect(answer).toContain('2. `payments` — after `accounts` (plan: `after`)');
    expect(answer.indexOf('accounts-step')).toBeLessThan(answer.indexOf('payments-step'));
    expect(dryRuns.sort()).toEqual([
      'accounts:planned',
      'accounts:unplanned',
      'payments:planned',
      'payments:unplanned',
    ]);
    expect((JSON.parse(answer) as { blocks: unknown[] }).blocks.length).toBeLessThanOrEqual(50);
  });

  it('names an unknown service instead of guessing', async () => {
    const { run, dryRuns } = command();
    const { ctx, responses } = commandContext({} as WebClient, 'U0DAVE', [
      'payments',
      'acounts',
      '--dry-run',
    ]);

    await run(ctx);

    expect(responses[0]?.text).toBe('Unknown service acounts.');
    expect(dryRuns).toEqual([]);
  });

  it('without --dry-run, refuses a requester who is not an approver of every service, naming it', async () => {
    const { run, dryRuns, audited } = command();
    const { ctx, responses } = commandContext({} as WebClient, 'U0CAROL', ['payments', 'accounts']);

    await run(ctx);

    expect(responses[0]?.text).toContain('You are not an approver of accounts');
    expect(audited).toEqual([{ type: 'auth.refused', actor: 'U0CAROL', service: 'accounts' }]);
    expect(dryRuns).toEqual([]);
  });

  it('without --dry-run, opens one request modal for all the services, in order', async () => {
    const { run } = command();
    const views: { metadata: string; text: string }[] = [];
    const client = {
      views: {
        open: async ({ view }: { view: { private_metadata: string } }) => {
          views.push({ metadata: view.private_metadata, text: '' });
          return { view: { id: 'V1' } };
        },
        update: async ({ view }: { view: { private_metadata: string; blocks: unknown[] } }) => {
          views.push({ metadata: view.private_metadata, text: JSON.stringify(view.blocks) });
          return {};
        },
      },
    } as unknown as WebClient;
    const { ctx, responses } = commandContext(client, 'U0ALICE', ['payments', 'accounts']);

    await run(ctx);

    expect(responses).toEqual([]);
    expect(JSON.parse(views.at(-1)?.metadata ?? '{}')).toEqual({
      service: 'accounts',
      channel: 'C0PAYMENTS',
      services: ['accounts', 'payments'],
    });
    expect(views.at(-1)?.text).toContain('One request for 2 services');
  });
});
