import { readFileSync } from 'node:fs';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import { route53DemoText } from '../helpers/plans.js';
import { runner, type World, worldPerTest } from '../runbook/world.js';
import { approvedFailback } from './world.js';

const worlds = worldPerTest();

const EXAMPLE = readFileSync('dr-plan.example.yml', 'utf8');
const NOTICE = '          message: Payments now serve from us-west-2.\n          estimate: 5s\n';

const DNS_HOME = '        - { id: dns-home, kind: route53, resource: payments-dns }';
const STOP = '        - { id: stop-usw2-api, kind: ec2, resource: payments-api, action: stop-recovery }';

/**
 * payments, DNS moved by Route 53 (the failback's dns-home step restores what the failover's route53 step
 * changed), with its own failback: data, compute and DNS home, then (or before DNS) the recovery compute stopped.
 */
const withStop = (stopBeforeDns = false): Plan =>
  parsePlan(
    route53DemoText().replace(
      NOTICE,
      [
        NOTICE.trimEnd(),
        '      failback:',
        '        - { id: db-home, kind: aurora-global, resource: payments-db }',
        '        - { id: api-home, kind: ec2, resource: payments-api, action: start-instances }',
        ...(stopBeforeDns ? [STOP, DNS_HOME] : [DNS_HOME, STOP]),
        '',
      ].join('\n'),
    ),
  );

const until = async (what: string, ok: () => Promise<boolean>, tries = 400) => {
  for (let i = 0; i < tries; i++) {
    if (await ok()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
};

const statesIn = async (w: World, region: string, ids: string[]) => {
  const out = await w.aws
    .forRegion(region)
    .ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }] }));
  return Object.fromEntries(
    (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, i.State?.Name]),
  );
};

const stops = (w: World) => w.calls.filter((c) => c.operation === 'StopInstances' && c.outcome === 'ok');

/** payments failed over (2 instances launched in us-west-2), Aurora in sync again, and an unrelated instance. */
async function failedOver(w: World) {
  const failover = await runner(w).run((await w.approve('payments', 'planned')).id);
  expect(failover.state, failover.lastError).toBe('completed');
  const launched = String(failover.steps['start-api']?.observed?.launched ?? '')
    .split(',')
    .filter(Boolean);
  expect(launched).toHaveLength(2);
  const other = await w.aws.forRegion('us-west-2').ec2.send(
    new RunInstancesCommand({
      LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001', Version: '$Latest' },
      MinCount: 1,
      MaxCount: 1,
    }),
  );
  const unrelated = other.Instances?.[0]?.InstanceId ?? '';
  await until('the unrelated instance to run', async () => {
    const states = await statesIn(w, 'us-west-2', [...launched, unrelated]);
    return Object.values(states).every((s) => s === 'running');
  });
  return { failover, launched, unrelated, origin: async () => w.stores.executions.get(failover.id) };
}

describe('stop-recovery: failback stops the compute the failover started, when the plan asks for it', () => {
  it('lists the stop in the failback dry-run, then stops exactly the instances the failover launched, once', async () => {
    // Prepare
    const world = await worlds.start({ plan: withStop() });
    const w = world;
    const { launched, unrelated, origin } = await failedOver(w);

    // Act 1: what the failback would do
    const plan = await runner(w, { origin }).dryRun('payments', 'planned', 'failback');

    // Assert 1: the last step, in us-west-2, not irreversible, with the exact instances
    const step = plan.steps.at(-1);
    expect(step).toMatchObject({ id: 'stop-usw2-api', region: 'us-west-2', irreversible: false });
    expect(step?.action).toContain('started by the failover');
    expect(step?.calls).toEqual([
      { client: 'ec2', command: 'StopInstances', region: 'us-west-2', input: { InstanceIds: launched } },
    ]);

    // Act 2: the failback runs
    const done = await runner(w, { origin }).run((await approvedFailback(w, 'payments')).id);

    // Assert 2: launched instances stopped, the unrelated one and the primary untouched, one call
    expect(done.state, done.lastError).toBe('completed');
    const after = await statesIn(w, 'us-west-2', [...launched, unrelated]);
    expect(after).toEqual({
      ...Object.fromEntries(launched.map((id) => [id, 'stopped'])),
      [unrelated]: 'running',
    });
    expect(await statesIn(w, 'us-east-1', ['i-0a1b2c3d4e5f60001'])).toEqual({
      'i-0a1b2c3d4e5f60001': 'running',
    });
    expect(stops(w).map((c) => c.region)).toEqual(['us-west-2']);
    expect(done.steps['stop-usw2-api']).toMatchObject({ state: 'succeeded', region: 'us-west-2' });
    const intent = (await w.auditEntries()).find(
      (e) => e.type === 'step.intent' && e.executionId === done.id && e.details.stepId === 'stop-usw2-api',
    );
    expect(intent?.details).toMatchObject({ region: 'us-west-2', calls: ['ec2:StopInstances'] });
  }, 30_000);

  it('stops nothing and pauses with the reason when no failover is on record', async () => {
    // Prepare
    const world = await worlds.start({ plan: withStop() });
    const w = world;
    const { launched } = await failedOver(w);

    // Act: a runner that does not know the failover
    const paused = await runner(w).run((await approvedFailback(w, 'payments')).id);

    // Assert
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('stop-usw2-api');
    expect(paused.lastError).toContain(
      'no record of what the failover started for payments-api in us-west-2',
    );
    expect(stops(w)).toEqual([]);
    expect(Object.values(await statesIn(w, 'us-west-2', launched))).toEqual(['running', 'running']);
  }, 30_000);

  it('says in the abort summary that stop-recovery stopped instances in us-west-2, not that us-east-1 holds them', async () => {
    // Prepare: the stop runs before DNS moves, and moving DNS fails
    const world = await worlds.start({ plan: withStop(true) });
    const w = world;
    const { launched, origin } = await failedOver(w);
    w.cloud.faults.failOperation('route53:UpdateHealthCheck', {
      times: 1,
      error: 'InvalidInput',
      status: 400,
    });
    const paused = await runner(w, { origin }).run((await approvedFailback(w, 'payments')).id);
    expect(paused.pausedAtStep).toBe('dns-home');

    // Act
    const aborted = await runner(w, { origin }).decide(paused.id, 'abort', 'U0BOB');

    // Assert
    const summary = aborted.abortSummary;
    expect(summary?.text.split('\n')).toEqual(
      expect.arrayContaining(
        [
          "payments-api: in us-east-1's hands (step api-home completed)",
          'payments-api: the instances the failover started in us-west-2 are stopped (step stop-usw2-api completed)',
        ].map((line) => `• ${line}`),
      ),
    );
    expect(summary?.resources.find((r) => r.stepId === 'stop-usw2-api')).toMatchObject({
      status: 'moved',
      region: 'us-west-2',
    });
    expect(Object.values(await statesIn(w, 'us-west-2', launched))).toEqual(['stopped', 'stopped']);
  }, 30_000);

  it('refuses a plan that puts stop-recovery in runbook.failover', () => {
    // Prepare
    const text = EXAMPLE.replace(
      'resource: payments-api\n              action: launch-from-ami',
      'resource: payments-api\n              action: stop-recovery',
    );

    // Act
    const parse = () => parsePlan(text, 'dr-plan.yml');

    // Assert
    expect(parse).toThrow(/runbook\.failover.*action: .*stop-recovery is a failback action/);
  });
});
