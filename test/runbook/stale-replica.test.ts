import { readFileSync } from 'node:fs';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { describeRunbook } from '../../blocks/plan.js';
import { parsePlan } from '../../src/plan/load.js';
import { acceptingStandalonePlan } from '../helpers/plans.js';
import { runner, type World, worldPerTest } from './world.js';

const worlds = worldPerTest();

/** The recovery instance made standalone outside the failover (as a failback leaves it), and settled. */
async function standaloneByHand(world: World): Promise<void> {
  const rds = world.aws.forRegion('us-west-2').rds;
  await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
  for (let i = 0; i < 400; i++) {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    const db = out.DBInstances?.[0];
    if (db?.DBInstanceStatus === 'available' && !db.ReadReplicaSourceDBInstanceIdentifier) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('accounts-db-usw2 did not become standalone');
}

const acceptingPlan = acceptingStandalonePlan;

describe('a failover that finds the RDS recovery instance already standalone', () => {
  it('is refused in the dry-run and by the run, which pauses on the step without promoting anything', async () => {
    // Prepare
    const world = await worlds.start();
    await standaloneByHand(world);
    const before = world.mutations().length;

    // Act
    const plan = await runner(world).dryRun('accounts', 'unplanned');
    const done = await runner(world).run((await world.approve('accounts', 'unplanned')).id);

    // Assert
    expect(plan.warnings).toEqual(
      expect.arrayContaining([
        'promote-replica: read replica of accounts-db: accounts-db-usw2 is available, standalone',
        expect.stringContaining(
          'promote-replica: can run: accounts-db-usw2 in us-west-2 is already standalone',
        ),
      ]),
    );
    expect(done.state).toBe('pausedByFailedStep');
    expect(done.pausedAtStep).toBe('promote-replica');
    expect(done.lastError).toContain('counting it as promoted would serve stale data');
    expect(done.lastError).toContain('acceptStandalone: true on step promote-replica');
    expect(world.mutations().slice(before)).toEqual([]);
  });

  it('counts it as promoted when the plan accepts it, in the dry-run, the step record and the audit', async () => {
    // Prepare
    const world = await worlds.start({ plan: acceptingPlan() });
    await standaloneByHand(world);

    // Act
    const plan = await runner(world).dryRun('accounts', 'unplanned');
    const done = await runner(world).run((await world.approve('accounts', 'unplanned')).id);

    // Assert
    expect(plan.warnings).toEqual([
      expect.stringContaining('accepted by step promote-replica (acceptStandalone: true in the plan)'),
    ]);
    expect(done.state, done.lastError).toBe('completed');
    expect(done.steps['promote-replica']?.observed?.acceptedStandalone).toBe(true);
    const outcome = (await world.auditEntries()).find(
      (e) => e.type === 'step.outcome' && e.details.stepId === 'promote-replica',
    );
    expect(outcome?.details).toMatchObject({ result: 'succeeded', alreadyDone: true });
    expect(String(outcome?.details.observed)).toContain(
      'because step promote-replica accepts it (acceptStandalone)',
    );
  });

  it('refuses acceptStandalone in runbook.failback when the plan is loaded', () => {
    // Prepare
    const text = readFileSync('dr-plan.example.yml', 'utf8').replace(
      '          resource: accounts-sessions\n          estimate: 30s\n',
      '          resource: accounts-sessions\n          estimate: 30s\n      failback:\n' +
        '        - { id: home, kind: rds-promote-replica, resource: accounts-db, acceptStandalone: true }\n',
    );

    // Act
    const parse = () => parsePlan(text, 'dr-plan.yml');

    // Assert
    expect(parse).toThrow(/runbook\.failback.*acceptStandalone.*applies to runbook\.failover only/);
  });

  it('shows the acceptance in /dr plan', () => {
    // Act
    const lines = describeRunbook(acceptingPlan().services.accounts?.runbook.failover ?? [], 60_000);

    // Assert
    expect(lines[0]).toContain(
      '`promote-replica` rds-promote-replica (acceptStandalone: a standalone recovery instance is served as it is, stale)',
    );
  });
});
