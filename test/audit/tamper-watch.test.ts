import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDocumentClient, ensureTable } from '../../src/adapters/store/dynamo.js';
import { createDynamoAuditLog } from '../../src/audit/index.js';
import { createTamperWatch, type TamperEvent, type TamperWatch } from '../../src/audit/tamper-watch.js';
import { createLogger } from '../../src/logger.js';
import {
  createStreamedTable,
  type DynamoDbLocal,
  LOCAL_AWS,
  startDynamoDbLocal,
} from '../helpers/dynamodb-local.js';
import { startTestTable, type TestTable, tamper } from './helpers.js';

const logger = createLogger({ level: 'silent' });

describe('audit tamper watch on DynamoDB Local (which has streams)', () => {
  let local: DynamoDbLocal;
  let streams: DynamoDBStreamsClient;
  let documents: ReturnType<typeof createDocumentClient>;
  let watch: TamperWatch;
  const alerts: (readonly TamperEvent[])[] = [];
  const tableName = 'lifeboat-tamper-test';

  beforeAll(async () => {
    local = await startDynamoDbLocal();
    await createStreamedTable(local.endpoint, tableName);
    documents = createDocumentClient({ endpoint: local.endpoint, region: LOCAL_AWS.region });
    streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: local.endpoint });
  }, 120_000);
  afterAll(async () => {
    watch?.stop();
    streams?.destroy();
    documents?.destroy();
    await local?.close();
  });

  it('raises an alert for the MODIFY and REMOVE of audit items, none for appends or other items', async () => {
    // Prepare: two entries written before the watch starts, then the watch.
    const audit = createDynamoAuditLog(documents, tableName, {
      writerId: 'replica-a',
      clock: { now: () => Date.now() },
    });
    const first = await audit.append({
      type: 'approval.granted',
      actor: 'U0ALICE',
      details: { requestId: 'r1' },
    });
    await audit.append({ type: 'approval.granted', actor: 'U0BOB', details: { requestId: 'r1' } });
    watch = createTamperWatch({
      documents,
      streams,
      tableName,
      onTamper: async (events) => void alerts.push(events),
      logger,
      now: () => Date.now(),
      pollMs: 100,
    });
    const status = await watch.start();
    expect(status).toMatchObject({ state: 'on', streamArn: expect.stringContaining(tableName) });
    const attacker = tamper({ client: documents, tableName } as unknown as TestTable);

    // Act: normal work (an append, a non-audit item overwritten), then tampering.
    await audit.append({ type: 'command', actor: 'U0ALICE', details: { text: '/dr status' } });
    await attacker.write({ pk: 'LEASE#x', sk: 'LEASE', owner: 'a' });
    await attacker.write({ pk: 'LEASE#x', sk: 'LEASE', owner: 'b' });
    const item = await attacker.read(first.day, first.shard, first.seq);
    await attacker.write({ ...item, actor: 'U0MALLORY' });
    await attacker.remove(first.day, first.shard, 2);

    // Assert
    await vi.waitFor(() => expect(alerts.flat()).toHaveLength(2), { timeout: 30_000, interval: 100 });
    const [modify, remove] = alerts.flat();
    expect(modify).toMatchObject({
      event: 'MODIFY',
      pk: `AUDIT#CHAIN#${first.day}#${first.shard}`,
      sk: 'SEQ#000000000001',
      oldHash: first.hash,
      newHash: first.hash,
      sequenceNumber: expect.any(String),
    });
    expect(remove).toMatchObject({ event: 'REMOVE', sk: 'SEQ#000000000002', oldHash: expect.any(String) });
    expect(remove?.newHash).toBeUndefined();
    expect(watch.status().state).toBe('on');
  }, 60_000);

  it('says the watch is off on a table without a stream', async () => {
    // Prepare: a table created the way the bot bootstraps one (no stream).
    await ensureTable(documents, 'lifeboat-no-stream');
    const off = createTamperWatch({
      documents,
      streams,
      tableName: 'lifeboat-no-stream',
      onTamper: async () => undefined,
      logger,
      now: () => Date.now(),
    });

    // Act
    const status = await off.start();

    // Assert
    expect(status).toEqual({ state: 'off', reason: 'table lifeboat-no-stream has no DynamoDB stream' });
    off.stop();
  });
});

describe('audit tamper watch on embedded dynalite', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(async () => table.close());

  it('is off: dynalite implements no DynamoDB stream', async () => {
    const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: table.dynamo.endpoint });
    const watch = createTamperWatch({
      documents: table.client,
      streams,
      tableName: table.tableName,
      onTamper: async () => undefined,
      logger,
      now: () => Date.now(),
    });
    expect(await watch.start()).toMatchObject({ state: 'off' });
    watch.stop();
    streams.destroy();
  });
});
