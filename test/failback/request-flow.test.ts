import {
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createVersionedStore } from '../../src/adapters/store/versioned.js';
import { createFailoverRequests } from '../../src/approval/requests.js';
import { createRequestStore } from '../../src/approval/store.js';
import { offeredSetup } from '../../src/failback/gate.js';
import { createMoveStore } from '../../src/failback/moves.js';
import { failbackPreconditions } from '../../src/failback/preconditions.js';
import { checkFailbackReadiness } from '../../src/failback/reverse.js';
import { createFailbackSetup } from '../../src/failback/setup.js';
import type { SetupRecord } from '../../src/failback/types.js';
import { createRunbookRunner } from '../../src/runbook/index.js';
import { type DrillWorld, drillWorldPerTest, planApprovers } from '../drills/fixture.js';

const TABLE = 'lifeboat-drills';

/** The failback request flow of the composition root, on the drill fixture's simulated cloud and dynalite. */
function failbackFlow(w: DrillWorld) {
  const moves = createMoveStore(w.documents, TABLE);
  const check = () => {
    const service = w.plan.services.accounts;
    if (!service) throw new Error('no accounts service');
    return checkFailbackReadiness({
      aws: w.aws,
      service: { ...service, name: 'accounts' },
      now: w.clock.now(),
      lastMove: moves.last,
    });
  };
  const requests = createFailoverRequests({
    stores: w.stores,
    requests: createRequestStore(w.documents, TABLE),
    audit: w.audit,
    approvers: planApprovers,
    readiness: { check: () => Promise.reject(new Error('a failback must not measure failover readiness')) },
    failbackPreconditions: async () => failbackPreconditions(await check()),
    getPlan: () => w.plan,
    clock: w.clock,
  });
  const setup = createFailbackSetup({
    aws: w.aws,
    setups: createVersionedStore<SetupRecord>(
      w.documents,
      TABLE,
      { pk: (s) => `FAILBACK#${s}`, sk: 'SETUP' },
      w.clock,
    ),
    approvers: planApprovers,
    audit: w.audit,
    getPlan: () => w.plan,
    clock: w.clock,
  });
  const runner = createRunbookRunner({
    stores: w.stores,
    aws: w.aws,
    getPlan: () => w.plan,
    clock: w.clock,
    audit: w.audit,
    logger: w.logger,
    instanceId: 'replica-a',
    onChange: (execution) => moves.remember(execution),
    sleep: async (ms) => w.clock.advance(ms),
    pollIntervalMs: 15_000,
  });
  return { moves, check, requests, setup, runner };
}

describe('failback through the two-person rule', () => {
  const worlds = drillWorldPerTest();

  it('refuses approval while the replica back is missing, then sets it up, approves, runs the failback and is home', async () => {
    // Prepare: accounts failed over (replica promoted in us-west-2)
    const world = await worlds.start();
    const w = world;
    await w.west.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    w.clock.advance(10 * 60_000);
    const flow = failbackFlow(w);

    // Act 1: an unplanned failback is not a thing; a planned one is requested by Alice
    const unplanned = await flow.requests.create({
      service: 'accounts',
      kind: 'failback',
      mode: 'unplanned',
      reason: 'home',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0ACCOUNTS' },
    });
    const created = await flow.requests.create({
      service: 'accounts',
      kind: 'failback',
      mode: 'planned',
      reason: 'us-east-1 is back',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0ACCOUNTS' },
    });
    if (created.kind !== 'created') throw new Error(`not created: ${created.kind}`);
    const id = created.request.id;
    const tooEarly = await flow.requests.approve(id, 'U0BOB', created.request.digest);

    // Assert 1
    expect(unplanned).toMatchObject({ kind: 'refused', refusal: { code: 'not-planned' } });
    expect(created.execution).toMatchObject({ kind: 'failback', mode: 'planned', state: 'pendingApproval' });
    expect(created.request.kind).toBe('failback');
    expect(tooEarly.kind).toBe('refused');
    const refusal = tooEarly.kind === 'refused' ? tooEarly.refusal.message : '';
    expect(refusal).toContain('Replication back to us-east-1 is not ready');
    expect(refusal).toContain('the old primary accounts-db still exists in us-east-1');

    // Act 2: the old primary's identifier is freed (deleted after a final snapshot); Bob runs the offered
    // setup; once the replica is available he approves
    await w.east.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'accounts-db' }));
    w.clock.advance(10 * 60_000);
    const offered = offeredSetup(await flow.check());
    expect(offered.map((s) => s.command)).toEqual(['CreateDBInstanceReadReplica']);
    expect((await flow.setup.run('accounts', 'U0BOB', offered)).kind).toBe('ran');
    w.clock.advance(16 * 60_000);
    const approved = await flow.requests.approve(id, 'U0BOB', created.request.digest);

    // Assert 2
    expect(approved.kind).toBe('approved');

    // Act 3: the runbook of kind failback runs
    const done = await flow.runner.run(id);

    // Assert 3: the replica back is the standalone primary in us-east-1 under the plan's identifier, the
    // check says home, and what is left to do by hand (replication towards us-west-2 again)
    expect(done.state, done.lastError).toBe('completed');
    expect(done.steps['promote-replica']?.observed?.failbackReplica).toBe('accounts-db');
    const home = await w.east.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'accounts-db' }),
    );
    expect(home.DBInstances?.[0]).toMatchObject({ DBInstanceStatus: 'available' });
    expect(home.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(await flow.moves.last('accounts')).toMatchObject({ kind: 'failback', executionId: id });
    const after = await flow.check();
    expect(after.serving).toBe('primary');
    expect(after.items.find((i) => i.resourceId === 'accounts-db')?.byHand).toContain(
      'aws rds create-db-instance-read-replica --region us-west-2 --db-instance-identifier accounts-db-usw2 --source-db-instance-identifier arn:aws:rds:us-east-1:123456789012:db:accounts-db',
    );
    const entries = await w.auditEntries();
    const created_ = entries.find((e) => e.type === 'request.created' && e.executionId === id);
    expect(created_?.details).toMatchObject({ kind: 'failback', mode: 'planned' });
    const types = entries.filter((e) => e.executionId === id).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'approval.refused',
        'approval.granted',
        'execution.started',
        'execution.completed',
      ]),
    );
  }, 30_000);
});
