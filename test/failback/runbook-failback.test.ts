import { readFileSync } from 'node:fs';
import {
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
} from '@aws-sdk/client-rds';
import { GetHealthCheckCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { createStores } from '../../src/adapters/store/index.js';
import { offeredSetup } from '../../src/failback/gate.js';
import { parsePlan } from '../../src/plan/load.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import { route53DemoPlan, route53DemoText } from '../helpers/plans.js';
import { runner, type World, worldPerTest } from '../runbook/world.js';
import { approvedFailback, crashingRunner, readinessOf } from './world.js';

const worlds = worldPerTest();

const until = async (what: string, ok: () => Promise<boolean>, tries = 400) => {
  for (let i = 0; i < tries; i++) {
    if (await ok()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
};
const itemReady = (w: World, service: string, resourceId: string) => async () =>
  (await readinessOf(w, service)).items.find((i) => i.resourceId === resourceId)?.status === 'ready';

/**
 * accounts failed over (replica promoted), the old primary deleted to free its identifier, then the replica
 * back in us-east-1 created under it and available.
 */
async function accountsReadyToFailBack(w: World) {
  const failover = await runner(w).run((await w.approve('accounts', 'unplanned')).id);
  expect(failover.state, failover.lastError).toBe('completed');
  const east = w.aws.forRegion('us-east-1').rds;
  await east.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'accounts-db' }));
  await until(
    'the old primary to be gone',
    async () => offeredSetup(await readinessOf(w, 'accounts')).length > 0,
  );
  const [setup] = offeredSetup(await readinessOf(w, 'accounts'));
  expect(setup?.command).toBe('CreateDBInstanceReadReplica');
  await w.aws
    .forRegion('us-east-1')
    .rds.send(
      new CreateDBInstanceReadReplicaCommand(
        setup?.input as unknown as ConstructorParameters<typeof CreateDBInstanceReadReplicaCommand>[0],
      ),
    );
  await until('the replica back to be available', itemReady(w, 'accounts', 'accounts-db'));
}

const promotions = (w: World, outcome: string) =>
  w.calls.filter(
    (c) => c.operation === 'PromoteReadReplica' && c.region === 'us-east-1' && c.outcome === outcome,
  ).length;

describe('failback runbook against the simulated cloud', () => {
  it('derives the default failback in dependency order: data, then compute, then DNS and a notice last', () => {
    // Prepare
    const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'));

    // Act
    const route = routeFor(plan, 'payments', 'failback');

    // Assert: the Aurora writer is home before anything else, and DNS moves only once compute is up
    expect(route.sourceRegion).toBe('us-west-2');
    expect(route.targetRegion).toBe('us-east-1');
    expect(route.stages.map((s) => s.steps.map((x) => x.id))).toEqual([
      ['promote-db'],
      ['check-ledger', 'check-receipts'],
      ['start-api', 'scale-workers', 'scale-web'],
      ['flip-dns'],
      ['tell-stakeholders'],
    ]);
    const steps = allSteps(route);
    expect(steps.find((s) => s.id === 'flip-dns')).toMatchObject({
      kind: 'arc-routing-control',
      resource: 'payments-routing',
    });
    expect(steps.find((s) => s.id === 'start-api')).toMatchObject({ action: 'start-instances' });
    expect(steps.find((s) => s.id === 'tell-stakeholders')).toMatchObject({
      message: expect.stringContaining('us-east-1 again'),
    });
  });

  it('derives the default failback of a Route 53 failover with the verification after DNS, on the primary health check', () => {
    // Prepare
    const plan = route53DemoPlan();

    // Act
    const route = routeFor(plan, 'payments', 'failback');

    // Assert
    expect(route.stages.map((s) => s.steps.map((x) => x.id))).toEqual([
      ['promote-db'],
      ['check-ledger', 'check-receipts'],
      ['start-api', 'scale-workers', 'scale-web'],
      ['flip-dns'],
      ['verify-api'],
      ['tell-stakeholders'],
    ]);
    const steps = allSteps(route);
    expect(steps.find((s) => s.id === 'flip-dns')).toMatchObject({
      kind: 'route53',
      resource: 'payments-dns',
    });
    expect(steps.find((s) => s.id === 'verify-api')).toMatchObject({ healthCheckId: 'hc-payments-use1' });
  });

  it('orders the default failback by dependency even when the failover moved DNS first or in a group', () => {
    // Prepare: a failover that flips DNS first, then starts compute alongside the database switch
    const text = route53DemoText().replace(
      / {6}failover:\n {8}- id: promote-db[\s\S]*?(?= {8}- id: verify-api)/,
      [
        '      failover:',
        '        - { id: flip-dns, kind: route53, resource: payments-dns }',
        '        - parallel:',
        '            - { id: start-api, kind: ec2, resource: payments-api, action: launch-from-ami }',
        '            - { id: promote-db, kind: aurora-global, resource: payments-db }',
        '        - { id: check-ledger, kind: dynamodb-global-table, resource: payments-ledger }',
        '',
      ].join('\n'),
    );
    const plan = parsePlan(text);

    // Act
    const route = routeFor(plan, 'payments', 'failback');

    // Assert
    expect(allSteps(routeFor(plan, 'payments', 'failover')).map((s) => s.id)[0]).toBe('flip-dns');
    expect(route.stages.map((s) => s.steps.map((x) => x.id))).toEqual([
      ['promote-db'],
      ['check-ledger'],
      ['start-api'],
      ['flip-dns'],
      ['verify-api'],
      ['tell-stakeholders'],
    ]);
  });

  it("runs a plan's own runbook.failback exactly as written", () => {
    // Prepare: an explicit failback that (unwisely) moves DNS first
    const text = readFileSync('dr-plan.example.yml', 'utf8').replace(
      '          message: Payments now serve from us-west-2.\n          estimate: 5s\n',
      [
        '          message: Payments now serve from us-west-2.',
        '          estimate: 5s',
        '      failback:',
        '        - { id: dns-home, kind: route53, resource: payments-dns }',
        '        - { id: db-home, kind: aurora-global, resource: payments-db }',
        '',
      ].join('\n'),
    );
    const plan = parsePlan(text);

    // Act
    const route = routeFor(plan, 'payments', 'failback');

    // Assert
    expect(route.stages.map((s) => s.steps.map((x) => x.id))).toEqual([['dns-home'], ['db-home']]);
  });

  it('brings payments home on the demo plan: Aurora switched over back to us-east-1, then the routing controls set back', async () => {
    // Prepare: the demo failover moves DNS with the ARC routing controls
    const world = await worlds.start();
    const failover = await runner(world).run((await world.approve('payments', 'unplanned')).id);
    expect(failover.state, failover.lastError).toBe('completed');
    await until('the old primary to rejoin', itemReady(world, 'payments', 'payments-db'));
    const before = world.mutations().length;

    // Act
    const done = await runner(world).run((await approvedFailback(world, 'payments')).id);

    // Assert
    expect(done.state, done.lastError).toBe('completed');
    const order = world.mutations().slice(before);
    expect(order.indexOf('rds:SwitchoverGlobalCluster')).toBeLessThan(
      order.indexOf('route53-recovery-cluster:UpdateRoutingControlStates'),
    );
    expect([...order].sort()).toEqual([
      'dynamodb:PutItem',
      'rds:SwitchoverGlobalCluster',
      'route53-recovery-cluster:UpdateRoutingControlStates',
      'sns:Publish',
    ]);
    const snapshot = world.cloud.snapshot();
    expect(snapshot.rds.globalClusters.find((g) => g.id === 'payments-global')?.writer).toContain(
      ':us-east-1:',
    );
    const records = snapshot.route53.records.filter((r) => r.name.startsWith('api.payments.example.com'));
    expect(records.find((r) => r.failover === 'PRIMARY')?.serving).toBe(true);
    expect(records.find((r) => r.failover === 'SECONDARY')?.serving).toBe(false);
  });

  it('brings payments home: Aurora switched over back to us-east-1 and the primary health check restored', async () => {
    // Prepare: a Route 53 failover with the primary healthy inverts the primary health check
    const world = await worlds.start({ plan: route53DemoPlan() });
    const failover = await runner(world).run((await world.approve('payments', 'unplanned')).id);
    expect(failover.state, failover.lastError).toBe('completed');
    await until('the old primary to rejoin', itemReady(world, 'payments', 'payments-db'));
    const before = world.mutations().length;

    // Act
    const done = await runner(world).run((await approvedFailback(world, 'payments')).id);

    // Assert
    expect(done.state, done.lastError).toBe('completed');
    const order = world.mutations().slice(before);
    expect(order.indexOf('rds:SwitchoverGlobalCluster')).toBeLessThan(
      order.indexOf('route53:UpdateHealthCheck'),
    );
    expect([...order].sort()).toEqual([
      'dynamodb:PutItem',
      'rds:SwitchoverGlobalCluster',
      'route53:UpdateHealthCheck',
      'sns:Publish',
    ]);
    const global = world.cloud.snapshot().rds.globalClusters.find((g) => g.id === 'payments-global');
    expect(global?.writer).toContain(':us-east-1:');
    const hc = await world.aws
      .forRegion('us-east-1')
      .route53.send(new GetHealthCheckCommand({ HealthCheckId: 'hc-payments-use1' }));
    expect(hc.HealthCheck?.HealthCheckConfig?.Inverted).toBe(false);
    const started = (await world.auditEntries()).find(
      (e) => e.type === 'execution.started' && e.executionId === done.id,
    );
    expect(started?.details).toMatchObject({
      kind: 'failback',
      sourceRegion: 'us-west-2',
      targetRegion: 'us-east-1',
    });
  });

  it('refuses to promote anything when accounts has no replica back in us-east-1', async () => {
    // Prepare
    const world = await worlds.start();
    const failover = await runner(world).run((await world.approve('accounts', 'unplanned')).id);
    expect(failover.state).toBe('completed');

    // Act
    const paused = await runner(world).run((await approvedFailback(world, 'accounts')).id);

    // Assert
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('promote-replica');
    expect(paused.lastError).toContain('has no read replica in us-east-1');
    expect(promotions(world, 'ok') + promotions(world, 'error')).toBe(0);
  });

  it('warns in the failback dry-run that the plan must name a replica back made under another name', async () => {
    // Prepare: accounts failed over; the replica back was made by hand as accounts-db-failback
    const world = await worlds.start();
    const w = world;
    const failover = await runner(w).run((await w.approve('accounts', 'unplanned')).id);
    expect(failover.state, failover.lastError).toBe('completed');
    await w.aws.forRegion('us-east-1').rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'accounts-db-failback',
        SourceDBInstanceIdentifier: 'arn:aws:rds:us-west-2:123456789012:db:accounts-db-usw2',
        KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/mrk-accounts-use1',
      }),
    );
    await until('the replica back to be available', async () => {
      const out = await w.aws
        .forRegion('us-east-1')
        .rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'accounts-db-failback' }));
      return out.DBInstances?.[0]?.DBInstanceStatus === 'available';
    });

    // Act
    const plan = await runner(w).dryRun('accounts', 'planned', 'failback');

    // Assert
    expect(plan.steps.find((s) => s.id === 'promote-replica')?.calls).toEqual([
      expect.objectContaining({
        command: 'PromoteReadReplica',
        input: { DBInstanceIdentifier: 'accounts-db-failback' },
      }),
    ]);
    expect(plan.warnings).toEqual([
      expect.stringContaining(
        "accounts-db-failback is not the plan's primaryInstance, the only instance Lifeboat may promote in us-east-1: set primaryInstance: accounts-db-failback in the DR plan and deploy it before the failback",
      ),
    ]);
  });

  for (const crashAfter of [2, 3])
    it(`fails accounts back through a failed promotion, Retry and a crash after transition ${crashAfter}: promoted once`, async () => {
      // Prepare: the failback replica exists; its first promotion is refused by RDS
      const world = await worlds.start();
      await accountsReadyToFailBack(world);
      world.cloud.faults.failOperation('rds:PromoteReadReplica', {
        times: 1,
        error: 'InvalidDBInstanceState',
        status: 400,
        region: 'us-east-1',
      });
      const execution = await approvedFailback(world, 'accounts');

      // Act 1: the step fails and the failback pauses
      const paused = await runner(world).run(execution.id);

      // Assert 1
      expect(paused.state).toBe('pausedByFailedStep');
      expect(paused.pausedAtStep).toBe('promote-replica');
      expect(paused.steps['promote-replica']?.observed?.failbackReplica).toBe('accounts-db');

      // Act 2: Bob retries; the replica driving the retry dies mid-step; another one takes over later
      const crashing = crashingRunner(world, crashAfter);
      await crashing.runner.decide(execution.id, 'retry', 'U0BOB');
      await crashing.runner.idle();
      crashing.close();
      const mid = await world.stores.executions.get(execution.id);
      const promotedBeforeCrash = promotions(world, 'ok');
      const later = createStores(worlds.state.documents, world.tableName, { now: () => Date.now() + 60_000 });
      const done = await runner(world, { stores: later }).run(execution.id);

      // Assert 2: the crash came before (2) or after (3) the promotion call; either way it is made once
      expect(mid?.state).toBe('running');
      expect(promotedBeforeCrash).toBe(crashAfter === 3 ? 1 : 0);
      expect(done.state, done.lastError).toBe('completed');
      expect(promotions(world, 'error')).toBe(1);
      expect(promotions(world, 'ok')).toBe(1);
      const types = (await world.auditEntries())
        .filter((e) => e.executionId === execution.id)
        .map((e) => e.type);
      expect(types).toContain('step.retry');
      expect(types.at(-1)).toBe('execution.completed');
    }, 30_000);

  it('restores the PRIMARY record values an update-record failover changed, and refuses without them', async () => {
    // Prepare: payments with DNS moved by editing the PRIMARY record
    const world = await worlds.start({ plan: route53DemoPlan('update-record') });
    const w = world;
    const records = async () =>
      (
        await w.aws.forRegion('us-east-1').route53.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: 'Z0PAYMENTSZONE',
            StartRecordName: 'api.payments.example.com',
          }),
        )
      ).ResourceRecordSets?.find((r) => r.Failover === 'PRIMARY')?.ResourceRecords;
    const original = await records();
    const failover = await runner(w).run((await w.approve('payments', 'planned')).id);
    expect(failover.state, failover.lastError).toBe('completed');
    expect(await records()).not.toEqual(original);
    await until('the clusters to be in sync', itemReady(w, 'payments', 'payments-db'));

    // Act: without the failover on record, then with it
    const refused = await runner(w).run((await approvedFailback(w, 'payments')).id);
    const fromFailover = async () => w.stores.executions.get(failover.id);
    const aborted = await runner(w).decide(refused.id, 'abort', 'U0BOB');
    const done = await runner(w, { origin: fromFailover }).run((await approvedFailback(w, 'payments')).id);

    // Assert
    expect(refused.state).toBe('pausedByFailedStep');
    expect(refused.lastError).toContain('were not recorded at failover time');
    expect(aborted.state).toBe('aborted');
    expect(done.state, done.lastError).toBe('completed');
    expect(await records()).toEqual(original);
  }, 30_000);
});
