import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, ensureTable } from '../../src/adapters/store/dynamo.js';
import { createThreadedDocumentClient } from '../../src/adapters/store/dynamo-thread.js';
import { createStores, type Stores } from '../../src/adapters/store/index.js';
import { ConflictError } from '../../src/adapters/store/versioned.js';
import { manualClock } from '../../src/domain/clock.js';
import type { ExecutionRecord } from '../../src/domain/records.js';
import { closeSharedDynamoDbLocal, type StateBackend, stateBackends } from '../helpers/dynamodb-local.js';

afterAll(closeSharedDynamoDbLocal);
const CLIENTS = [
  ['in this thread', createDocumentClient],
  ['on the DynamoDB thread', createThreadedDocumentClient],
] as const;

// The same contract on dynalite and on DynamoDB Local, with the SDK client in this thread and on the
// DynamoDB thread (dynamo-thread.ts).
describe.each(
  stateBackends.flatMap(([backend, start]) =>
    CLIENTS.map(
      ([where, createClient], i) => [backend, where, start, createClient, `lifeboat-test-${i}`] as const,
    ),
  ),
)('stores on %s, client %s', (_, __, start, createClient, table) => {
  let dynamo: StateBackend;
  let stores: Stores;
  let client: ReturnType<typeof createDocumentClient>;
  const clock = manualClock();

  beforeAll(async () => {
    dynamo = await start();
    client = createClient({ endpoint: dynamo.endpoint, region: 'us-west-2' });
    await ensureTable(client, table);
    await ensureTable(client, table); // idempotent bootstrap
    stores = createStores(client, table, clock);
  }, 120_000);
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('lets exactly one of two concurrent claims of a lease win', async () => {
    const [a, b] = await Promise.all([
      stores.leases.acquire('exec-1', 'replica-a', 30_000),
      stores.leases.acquire('exec-1', 'replica-b', 30_000),
    ]);

    expect([a, b].filter(Boolean)).toHaveLength(1);
    const holder = (await stores.leases.current('exec-1'))?.owner;
    expect(holder).toBe((a ?? b)?.owner);
  });

  it('lets the owner renew but nobody else take an unexpired lease', async () => {
    await stores.leases.acquire('slot-1', 'replica-a', 10_000);

    expect(await stores.leases.acquire('slot-1', 'replica-b', 10_000)).toBeUndefined();
    expect(await stores.leases.acquire('slot-1', 'replica-a', 10_000)).toMatchObject({ owner: 'replica-a' });
  });

  it('hands an expired lease over to a new owner', async () => {
    await stores.leases.acquire('slot-2', 'replica-a', 5_000);
    clock.advance(5_001);

    const taken = await stores.leases.acquire('slot-2', 'replica-b', 5_000);

    expect(taken?.owner).toBe('replica-b');
    expect(await stores.leases.release('slot-2', 'replica-a')).toBe(false);
    expect(await stores.leases.release('slot-2', 'replica-b')).toBe(true);
  });

  it('makes exactly one of two concurrent transitions from the same version win', async () => {
    const record: ExecutionRecord = {
      id: 'e-1',
      service: 'payments',
      kind: 'failover',
      mode: 'planned',
      state: 'pendingApproval',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      planHash: 'abc',
      createdAtMs: clock.now(),
      updatedAtMs: clock.now(),
      steps: {},
    };
    const created = await stores.executions.create('e-1', record);

    const results = await Promise.allSettled([
      stores.executions.transition('e-1', created.version, { ...record, state: 'approved' }),
      stores.executions.transition('e-1', created.version, { ...record, state: 'declined' }),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(ConflictError);
    const current = await stores.executions.get('e-1');
    expect(current?.version).toBe(2);
    const loser = lost[0]?.reason as ConflictError<ExecutionRecord>;
    expect(loser.current).toBeDefined();
    expect(loser.current?.state).toBe(current?.state);
    await expect(stores.executions.create('e-1', record)).rejects.toBeInstanceOf(ConflictError);
  });

  it('hides expired items on read', async () => {
    await stores.incidents.create(
      'i-1',
      {
        id: 'i-1',
        service: 'payments',
        state: 'open',
        openedAtMs: clock.now(),
        channel: 'C0PAYMENTS',
        alarms: {},
      },
      { expiresAtMs: clock.now() + 1_000 },
    );
    expect(await stores.incidents.get('i-1')).toBeDefined();

    clock.advance(1_000);

    expect(await stores.incidents.get('i-1')).toBeUndefined();
  });

  it('records one approval per user, so a double click counts once', async () => {
    const approval = {
      executionId: 'e-2',
      userId: 'U0BOB',
      decision: 'approve' as const,
      atMs: clock.now(),
      planHash: 'abc',
    };

    expect(await stores.approvals.record(approval)).toBe(true);
    expect(await stores.approvals.record(approval)).toBe(false);
    expect(await stores.approvals.list('e-2')).toEqual([approval]);
  });
});
