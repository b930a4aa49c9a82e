import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { clientsFor } from '../../src/adapters/aws/roles.js';
import { systemClock } from '../../src/domain/clock.js';
import { parsePlan } from '../../src/plan/load.js';
import { createAwsCheckers } from '../../src/readiness/aws/index.js';
import { createReadinessEngine } from '../../src/readiness/engine.js';
import { botRoleArn } from '../../src/sandbox/aws/sts.js';
import { runner, worldPerTest } from '../runbook/world.js';
import { HOME, planText, RECOVERY_ROLE, WORKLOAD } from './plan.js';

const plan = () => parsePlan(planText, 'dr-plan.accounts.yml');
const service = () => {
  const ledger = plan().services.ledger;
  if (!ledger) throw new Error('the test plan has no ledger service');
  return { ...ledger, name: 'ledger' };
};

describe('a service in another account, through its role (sandbox, issue 17)', () => {
  const worlds = worldPerTest();

  it('reads readiness through AssumeRole on the Regional STS endpoints; the resources are invisible to the home account', async () => {
    const world = await worlds.start({ plan: plan() });
    const engine = createReadinessEngine({ checkers: createAwsCheckers(world.aws), clock: systemClock });
    const result = await engine.checkService(service(), world.plan.defaults);
    const replica = result.checks.filter((c) => c.resourceId === 'ledger-db');
    expect(replica.length).toBeGreaterThan(0);
    expect(replica.map((c) => c.reason).join('\n')).not.toMatch(/not found|permission|assume/);
    expect(replica.some((c) => c.verdict === 'ready')).toBe(true);
    const assumed = world.calls.filter((c) => c.service === 'sts' && c.operation === 'AssumeRole');
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed.every((c) => c.outcome === 'ok')).toBe(true);
    // Lifeboat's own credentials (the home account) do not see the workload account's database.
    const own = world.aws.forRegion('us-west-2').rds;
    await expect(
      own.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-db-usw2' })),
    ).rejects.toThrow(/not found/i);
    const asRole = clientsFor(world.aws, service(), undefined, 'test').forRegion('us-west-2').rds;
    const out = await asRole.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-db-usw2' }));
    expect(out.DBInstances?.[0]?.DBInstanceArn).toContain(`:${WORKLOAD}:`);
  }, 60_000);

  it('fails over through the role: the promotion happens in the workload account', async () => {
    const world = await worlds.start({ plan: plan() });
    const execution = await world.approve('ledger');
    const done = await runner(world).run(execution.id);
    expect(done.state, done.lastError).toBe('completed');
    expect(world.mutations()).toContain('rds:PromoteReadReplica');
    const asRole = clientsFor(world.aws, service(), undefined, 'test').forRegion('us-west-2').rds;
    const out = await asRole.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-db-usw2' }));
    expect(out.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
  }, 60_000);

  it('an outage of us-east-1 (home of the global STS endpoint) does not stop assuming the role in the recovery Region', async () => {
    const world = await worlds.start({ plan: plan() });
    world.cloud.faults.regionOutage('us-east-1');
    const execution = await world.approve('ledger', 'unplanned');
    const done = await runner(world).run(execution.id);
    expect(done.state, done.lastError).toBe('completed');
    const assumed = world.calls.filter((c) => c.service === 'sts' && c.operation === 'AssumeRole');
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed.every((c) => c.region === 'us-west-2' && c.outcome === 'ok')).toBe(true);
    await world.close();
    // The recovery Region impaired instead: STS there fails like any service in it, and nothing is promoted.
    const other = await worlds.start({ plan: plan() });
    other.cloud.faults.regionOutage('us-west-2');
    const failed = await runner(other).run((await other.approve('ledger', 'unplanned')).id);
    expect(failed.state).toBe('pausedByFailedStep');
    expect(
      other.calls.some((c) => c.service === 'sts' && c.region === 'us-west-2' && c.outcome === 'error'),
    ).toBe(true);
    expect(other.mutations()).not.toContain('rds:PromoteReadReplica');
  }, 60_000);

  it('a trust policy expecting another external id: a readiness row naming the role, and the runbook stops on the step with the reason', async () => {
    const world = await worlds.start({ plan: plan() });
    world.cloud.iam.setTrust(RECOVERY_ROLE, { principal: botRoleArn(HOME), externalId: 'someone-else' });
    const engine = createReadinessEngine({ checkers: createAwsCheckers(world.aws), clock: systemClock });
    const result = await engine.checkService(service(), world.plan.defaults);
    const rows = result.checks.filter((c) => c.resourceId === 'ledger-db');
    expect(rows.length).toBeGreaterThan(0);
    // Only the recovery Region's role refuses: the reads made there are unknown and say why.
    const refused = rows.filter((c) =>
      c.reason.includes(`cannot assume ${RECOVERY_ROLE} through STS in us-west-2 (AccessDenied`),
    );
    expect(refused.length, rows.map((c) => `${c.verdict} ${c.reason}`).join('\n')).toBeGreaterThan(0);
    expect(refused.every((c) => c.verdict === 'unknown' && c.measured !== undefined)).toBe(true);
    expect(result.verdict).not.toBe('ready');

    const execution = await world.approve('ledger');
    const done = await runner(world).run(execution.id);
    // Paused on the step with the reason, for a person to Retry, Skip or Abort.
    expect(done.state).toBe('pausedByFailedStep');
    expect(done.steps.promote?.state).toBe('failed');
    expect(done.lastError ?? done.steps.promote?.error ?? '').toMatch(
      /cannot assume .*lifeboat-dr-usw2.*AccessDenied/,
    );
    expect(world.mutations()).not.toContain('rds:PromoteReadReplica');
  }, 60_000);
});
