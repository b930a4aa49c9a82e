import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createCards } from '../../src/approval/cards.js';
import { createFailoverRequests } from '../../src/approval/requests.js';
import { createRequestStore } from '../../src/approval/store.js';
import { createAwsCheckers } from '../../src/readiness/aws/index.js';
import { createReadinessEngine } from '../../src/readiness/engine.js';
import { createReadinessService } from '../../src/readiness/service.js';
import { type DrillWorld, drillWorldPerTest, planApprovers } from '../drills/fixture.js';
import { acceptingStandalonePlan } from '../helpers/plans.js';

const TABLE = 'lifeboat-drills';

const acceptingPlan = acceptingStandalonePlan;

/** The failover request flow of the composition root (fresh readiness at approval) and its card, on the drill world. */
function failoverFlow(w: DrillWorld) {
  const getPlan = () => w.plan;
  const readiness = createReadinessService({
    engine: createReadinessEngine({
      checkers: createAwsCheckers(w.aws, { canary: { clock: w.clock } }),
      clock: w.clock,
    }),
    getPlan,
    clock: w.clock,
  });
  const requestStore = createRequestStore(w.documents, TABLE);
  const requests = createFailoverRequests({
    stores: w.stores,
    requests: requestStore,
    audit: w.audit,
    approvers: planApprovers,
    readiness,
    getPlan,
    clock: w.clock,
  });
  const posted: { text?: string; blocks?: unknown }[] = [];
  const client = {
    chat: {
      postMessage: async (args: { text?: string; blocks?: unknown }) => {
        posted.push(args);
        return { ok: true, ts: '1700000000.000100' };
      },
      update: async () => ({ ok: true }),
    },
  } as unknown as WebClient;
  const cards = createCards({
    client,
    stores: w.stores,
    requests: requestStore,
    getPlan,
    clock: w.clock,
    logger: w.logger,
  });
  const request = async () => {
    const created = await requests.create({
      service: 'accounts',
      mode: 'unplanned',
      reason: 'us-east-1 is down',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0ACCOUNTS' },
    });
    if (created.kind !== 'created') throw new Error(`request not created: ${created.kind}`);
    await cards.post(created.request.id);
    return created.request;
  };
  return { requests, request, posted };
}

/** accounts-db-usw2 standalone, as a failback (or a promotion by hand) leaves it. */
async function standaloneRecovery(w: DrillWorld) {
  await w.west.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
  w.clock.advance(10 * 60_000);
  await w.cloud.tick();
}

describe('an unplanned failover whose RDS recovery instance is already standalone', () => {
  const worlds = drillWorldPerTest();

  it('is refused at approval with the reason, not approved with a warning', async () => {
    // Prepare
    const world = await worlds.start();
    await standaloneRecovery(world);
    const flow = failoverFlow(world);
    const request = await flow.request();

    // Act
    const outcome = await flow.requests.approve(request.id, 'U0BOB', request.digest);

    // Assert
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.refusal.code).toBe('preconditions');
    expect(outcome.refusal.message).toContain(
      'accounts-db: accounts-db-usw2 is standalone, not a read replica of accounts-db: it has none of the writes made since it stopped replicating, so a failover would serve stale data',
    );
    expect(JSON.stringify(flow.posted)).not.toContain('acceptStandalone');
  });

  it('is approved when the plan accepts it, shown on the card before approval, audited and measured as a warning', async () => {
    // Prepare
    const world = await worlds.start({ plan: acceptingPlan() });
    await standaloneRecovery(world);
    const flow = failoverFlow(world);
    const request = await flow.request();

    // Act
    const outcome = await flow.requests.approve(request.id, 'U0BOB', request.digest);

    // Assert
    expect(JSON.stringify(flow.posted[0]?.blocks)).toContain(
      'The plan accepts a standalone recovery instance for accounts-db (acceptStandalone on step promote-replica): if accounts-db-usw2 is no longer a read replica of accounts-db, this failover serves it as it is',
    );
    const created = (await world.auditEntries()).find((e) => e.type === 'request.created');
    expect(created?.details.acceptStandalone).toEqual(['accounts-db']);
    expect(outcome.kind, JSON.stringify(outcome)).toBe('approved');
    if (outcome.kind !== 'approved') return;
    expect(outcome.preconditions?.lines).toContainEqual({
      status: 'warn',
      text: expect.stringMatching(
        /^Accepted by the plan \(acceptStandalone on step promote-replica\), the failover serves it as it is: accounts-db: accounts-db-usw2 is standalone/,
      ),
    });
  });

  it('still refuses a planned switchover when the plan accepts a standalone instance', async () => {
    // Prepare
    const world = await worlds.start({ plan: acceptingPlan() });
    await standaloneRecovery(world);
    const flow = failoverFlow(world);
    const created = await flow.requests.create({
      service: 'accounts',
      mode: 'planned',
      reason: 'move for maintenance',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0ACCOUNTS' },
    });
    if (created.kind !== 'created') throw new Error(`request not created: ${created.kind}`);

    // Act
    const outcome = await flow.requests.approve(created.request.id, 'U0BOB', created.request.digest);

    // Assert
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.refusal.message).toContain('accounts-db-usw2 is standalone');
  });
});
