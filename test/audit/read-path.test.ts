import { QueryCommand as TableQueryCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, NumberValue } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/audit/chain.js';
import { decodeItem } from '../../src/audit/dynamo-read.js';
import { createDynamoAuditStore } from '../../src/audit/dynamo-store.js';
import { createAuditLog } from '../../src/audit/log.js';
import { manualClock } from '../../src/domain/clock.js';
import { rewriteAsV1, startTestTable, type TestTable, tamper } from './helpers.js';

const DAY_MS = 86_400_000;
let table: TestTable;
let counter = 0;

beforeAll(async () => {
  table = await startTestTable('lifeboat-audit-read-path');
});
afterAll(async () => {
  await table.close();
});

async function logWithEntries(count: number) {
  const clock = manualClock(Date.UTC(2031, 0, 1 + 10 * counter++, 9, 0, 0));
  const log = createAuditLog(createDynamoAuditStore(table.client, table.tableName), {
    writerId: 'replica-a',
    clock,
    shards: 1,
  });
  for (let i = 0; i < count; i++) {
    await log.append({ type: 'command', actor: 'U0ALICE', service: 'payments', details: { text: `s ${i}` } });
    clock.advance(1_000);
  }
  const day = dayOf(clock.now());
  const since = Date.parse(`${day}T00:00:00Z`);
  return { log, day, range: { since, until: since + DAY_MS } };
}

describe('audit bulk read path (table-level Query, own decoder)', () => {
  it('decodes attribute values as the DocumentClient does', () => {
    // Prepare / Act
    const decoded = decodeItem({
      s: { S: 'x' },
      n: { N: '42' },
      b: { BOOL: false },
      z: { NULL: true },
      m: { M: { a: { L: [{ N: '1' }, { S: 'two' }] } } },
    });

    // Assert
    expect(decoded).toEqual({ s: 'x', n: 42, b: false, z: null, m: { a: [1, 'two'] } });
  });

  it('reads chains with the table-level Query, not the DocumentClient and its per-item unmarshalling', async () => {
    // Prepare: a client that records the commands sent through it
    const { day } = await logWithEntries(3);
    const sent: string[] = [];
    const spy = Object.create(table.client) as DynamoDBDocumentClient;
    spy.send = ((command: object, ...rest: unknown[]) => {
      sent.push(command instanceof TableQueryCommand ? 'table-query' : command.constructor.name);
      return (table.client.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as DynamoDBDocumentClient['send'];
    const store = createDynamoAuditStore(spy, table.tableName);

    // Act
    const read = [];
    for await (const item of store.readChain(day, 0)) read.push(item);

    // Assert
    expect(read).toHaveLength(3);
    expect(sent).toEqual(['table-query']);
  });

  it('reads every entry of a chain across pages, in order, and exports and verifies them', async () => {
    // Prepare: more than one Query page (500 items a page)
    const { log, range } = await logWithEntries(1_203);

    // Act
    const seqs: number[] = [];
    for await (const e of log.query(range)) seqs.push(e.seq);
    const report = await log.verify(range);

    // Assert
    expect(seqs).toEqual(Array.from({ length: 1_203 }, (_, i) => i + 1));
    expect(report).toMatchObject({ ok: true, entries: 1_203, problems: 0 });
  }, 120_000);

  it('reports a v1 entry whose number attribute was replaced by one beyond 2^53 as malformed instead of failing the whole verify', async () => {
    // Prepare: the attacker stores an unsafe integer; the DocumentClient refused to read the page at all
    const { log, day, range } = await logWithEntries(4);
    await rewriteAsV1(table, day, 0);
    const t = tamper(table);
    const item = await t.read(day, 0, 2);
    await t.write({ ...item, seq: NumberValue.from('123456789012345678901234567890') });

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: 'malformed' });
    expect(report.firstBreak?.message).toContain(`${day}/0/2`);
  });

  it('reports a v1 entry with a set-typed attribute as malformed', async () => {
    // Prepare
    const { log, day, range } = await logWithEntries(3);
    await rewriteAsV1(table, day, 0);
    const t = tamper(table);
    const item = await t.read(day, 0, 3);
    await t.write({ ...item, actor: new Set(['U0MALLORY']) });

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: 'malformed' });
    expect(report.firstBreak?.message).toContain(`${day}/0/3`);
  });

  it('writes an entry as one v2 item: the keys and the entry as JSON text', async () => {
    // Prepare / Act
    const { day } = await logWithEntries(1);
    const item = await tamper(table).read(day, 0, 1);

    // Assert
    expect(Object.keys(item).sort()).toEqual(['e', 'pk', 'sk']);
    expect(JSON.parse(String(item.e))).toMatchObject({ seq: 1, actor: 'U0ALICE' });
  });

  it.each([
    ['an added attribute', (item: Record<string, unknown>) => ({ ...item, actor: 'U0MALLORY' })],
    ['an added hash attribute', (item: Record<string, unknown>) => ({ ...item, hash: '0'.repeat(64) })],
    ['e that is not JSON', (item: Record<string, unknown>) => ({ ...item, e: `${String(item.e)}x` })],
    ['e of another type', (item: Record<string, unknown>) => ({ ...item, e: new Set([String(item.e)]) })],
    [
      'a sequence number beyond 2^53 in e',
      (item: Record<string, unknown>) => ({
        ...item,
        e: String(item.e).replace('"seq":2,', '"seq":123456789012345678901234567890,'),
      }),
    ],
  ])('reports a v2 item with %s as malformed, named by its key', async (_, change) => {
    // Prepare
    const { log, day, range } = await logWithEntries(3);
    const t = tamper(table);
    const item = await t.read(day, 0, 2);
    const changed = change(item);
    expect(changed).not.toEqual(item);
    await t.write(changed);

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: 'malformed' });
    expect(report.firstBreak?.message).toContain(`${day}/0/2`);
  });

  it('reads a chain of v1 items continued with v2 items: query, service filter, export order and verify', async () => {
    // Prepare: an older table's chain (v1), then the upgraded writer appends to it (v2)
    const clock = manualClock(Date.UTC(2032, 2, 3, 9));
    const log = createAuditLog(createDynamoAuditStore(table.client, table.tableName), {
      writerId: 'replica-a',
      clock,
      shards: 1,
    });
    const services = ['payments', 'search', 'payments', 'search', 'payments', 'search'];
    for (const [i, service] of services.slice(0, 3).entries()) {
      await log.append({ type: 'command', actor: 'U0ALICE', service, details: { i } });
      clock.advance(1_000);
    }
    const day = dayOf(clock.now());
    expect(await rewriteAsV1(table, day, 0)).toBe(3);
    for (const [i, service] of services.slice(3).entries()) {
      await log.append({ type: 'command', actor: 'U0ALICE', service, details: { i: i + 3 } });
      clock.advance(1_000);
    }
    const since = Date.parse(`${day}T00:00:00Z`);

    // Act
    const all = [];
    for await (const e of log.query({ since, until: since + DAY_MS })) all.push(e);
    const payments = [];
    for await (const e of log.query({ service: 'payments' })) if (e.day === day) payments.push(e.seq);
    const later = [];
    for await (const e of log.query({ since: since + 9 * 3_600_000 + 2_000 }))
      if (e.day === day) later.push(e.seq);
    const report = await log.verify({ since, until: since + DAY_MS });

    // Assert
    expect((await tamper(table).read(day, 0, 1)).e).toBeUndefined();
    expect((await tamper(table).read(day, 0, 4)).e).toBeTypeOf('string');
    expect(all.map((e) => [e.seq, e.details.i])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i + 1, i]));
    expect(payments).toEqual([1, 3, 5]);
    expect(later).toEqual([3, 4, 5, 6]);
    expect(report).toMatchObject({ ok: true, entries: 6, problems: 0 });
  });
});
