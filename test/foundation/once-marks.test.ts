import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, ensureTable } from '../../src/adapters/store/dynamo.js';
import { createThreadedDocumentClient } from '../../src/adapters/store/dynamo-thread.js';
import { createOnceMarks } from '../../src/adapters/store/once.js';
import { manualClock } from '../../src/domain/clock.js';
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
      ([where, createClient], i) => [backend, where, start, createClient, `lifeboat-once-${i}`] as const,
    ),
  ),
)('once marks on %s, client %s', (_, __, start, createClient, TABLE) => {
  let dynamo: StateBackend;
  let client: ReturnType<typeof createDocumentClient>;
  const clock = manualClock();
  const replica = () => createOnceMarks(client, TABLE, clock);

  beforeAll(async () => {
    dynamo = await start();
    client = createClient({ endpoint: dynamo.endpoint, region: 'us-west-2' });
    await ensureTable(client, TABLE);
  }, 120_000);
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('lets exactly one of two replicas claiming the same key at once win', async () => {
    const [a, b] = await Promise.all([replica().claim('k-1', 60_000), replica().claim('k-1', 60_000)]);

    expect([a, b].filter(Boolean)).toHaveLength(1);
  });

  it('keeps a key claimed for a later instance (a restart) and stores its TTL', async () => {
    expect(await replica().claim('k-2', 60_000)).toBe(true);

    expect(await replica().claim('k-2', 60_000)).toBe(false);
    const { Item } = await client.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'ONCE#k-2', sk: 'ONCE' }, ConsistentRead: true }),
    );
    expect(Item).toMatchObject({
      expiresAtMs: clock.now() + 60_000,
      expiresAt: Math.ceil((clock.now() + 60_000) / 1000),
    });
  });

  it('lets a key be claimed again once its mark expired (DynamoDB TTL deletes late)', async () => {
    await replica().claim('k-3', 5_000);
    clock.advance(5_000);

    expect(await replica().claim('k-3', 5_000)).toBe(true);
  });

  it('gives a released claim to the next claimer, and releases only its own claim', async () => {
    const first = replica();
    const other = replica();
    await first.claim('k-4', 60_000);

    expect(await other.release('k-4')).toBe(false);
    expect(await other.claim('k-4', 60_000)).toBe(false);
    expect(await first.release('k-4')).toBe(true);
    expect(await other.claim('k-4', 60_000)).toBe(true);
  });
});
