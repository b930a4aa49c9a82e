import { readFileSync } from 'node:fs';
import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { type FailoverHandlerDeps, makeFailoverCommand } from '../../handlers/commands/failover.js';
import type { DryRunView, FailoverMode } from '../../src/approval/types.js';
import { parsePlan } from '../../src/plan/load.js';
import { commandContext } from '../audit/fake-slack.js';

const yaml = readFileSync('dr-plan.example.yml', 'utf8').replace(
  '    runbookUrl: https://wiki.example.com/runbooks/payments\n',
  '    runbookUrl: https://wiki.example.com/runbooks/payments\n    after: [accounts]\n',
);
const plan = parsePlan(yaml);

function command() {
  const dryRuns: string[] = [];
  const deps = {
    getPlan: () => plan,
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
  return { run: makeFailoverCommand(deps), dryRuns };
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

  it('without --dry-run, says a request for several services is not available and gives the order', async () => {
    const { run, dryRuns } = command();
    const { ctx, responses } = commandContext({} as WebClient, 'U0ALICE', ['payments', 'accounts']);

    await run(ctx);

    expect(responses[0]?.text).toContain('One request for several services is not available yet');
    expect(responses[0]?.text).toContain('`accounts`, then `payments`');
    expect(dryRuns).toEqual([]);
  });
});
