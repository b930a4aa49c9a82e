import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../adapters/store/ops.js';
import type { ChainTip } from './chain.js';
import { chainPartition, entryItem, entryKey, entryRecord, itemHash } from './dynamo-item.js';
import { type Decoded, queryItems } from './dynamo-read.js';
import {
  type AuditStore,
  parseCheckpoint,
  parseEntry,
  type StoredCheckpoint,
  type StoredItem,
} from './store.js';
import type { AuditCheckpoint, AuditEntry } from './types.js';

/**
 * Audit items in Lifeboat's single table (string keys pk, sk):
 * - entry:      pk `AUDIT#CHAIN#<day>#<shard>`, sk `SEQ#<seq, 12 digits>`; the entry as JSON text in `e`
 *               (v2; older v1 items have a field per attribute: dynamo-item.ts)
 * - chain mark: pk `AUDIT#CHAINS`,             sk `<day>#<shard, 3 digits>`
 * - checkpoint: pk `AUDIT#CHECKPOINTS`,        sk `<day>`
 * Every write is a Put with attribute_not_exists(pk): nothing is ever updated or deleted.
 */
export const auditKeys = {
  entry: entryKey,
  chain: chainPartition,
  marks: 'AUDIT#CHAINS',
  mark: (day: string, shard: number) => `${day}#${String(shard).padStart(3, '0')}`,
  checkpoints: 'AUDIT#CHECKPOINTS',
} as const;

/** The item written for an entry (re-exported for the benchmark's seed, which writes what the product writes). */
export { entryItem };

const PAGE_ITEMS = 500;

export function createDynamoAuditStore(client: DynamoDBDocumentClient, tableName: string): AuditStore {
  /** Query pages, fetching the next page while the caller works through the current one (at most two in memory). */
  async function* pages(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): AsyncGenerator<Record<string, unknown>> {
    const fetch = (startKey: Record<string, unknown> | undefined) =>
      client.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: startKey }));
    let next: ReturnType<typeof fetch> | undefined = fetch(undefined);
    while (next) {
      const page: Awaited<ReturnType<typeof fetch>> = await next;
      next = page.LastEvaluatedKey ? fetch(page.LastEvaluatedKey) : undefined;
      next?.catch(() => undefined);
      yield* page.Items ?? [];
    }
  }

  const putIfAbsent = (item: Record<string, unknown>): Promise<boolean> =>
    writeIf(client, {
      put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
    });

  const between = (fromDay: string | undefined, toDay: string | undefined) => {
    const values: Record<string, string> = {};
    let condition = '';
    if (fromDay !== undefined && toDay !== undefined) {
      condition = ' AND sk BETWEEN :from AND :to';
      Object.assign(values, { ':from': fromDay, ':to': `${toDay}~` });
    } else if (fromDay !== undefined) {
      condition = ' AND sk >= :from';
      values[':from'] = fromDay;
    } else if (toDay !== undefined) {
      condition = ' AND sk <= :to';
      values[':to'] = `${toDay}~`;
    }
    return { condition, values };
  };

  return {
    putEntry: (entry) => putIfAbsent(entryItem(entry)),
    async hashAt(day, shard, seq) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: auditKeys.entry(day, shard, seq), ConsistentRead: true }),
      );
      return Item ? itemHash(Item as Record<string, Decoded>) : undefined;
    },
    async head(day, shard): Promise<ChainTip | undefined> {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': auditKeys.chain(day, shard) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const item = Items?.[0];
      if (!item) return undefined;
      const seq = Number(String(item.sk).slice(4));
      const record = entryRecord(item as Record<string, Decoded>);
      if (typeof record === 'string') return { seq, hash: '', at: '' };
      return { seq, hash: String(record.hash ?? ''), at: String(record.at ?? '') };
    },
    async *readChain(day, shard, filter = {}) {
      const names: Record<string, string> = {};
      const values: Record<string, string> = { ':pk': auditKeys.chain(day, shard) };
      const filters: string[] = [];
      if (filter.since !== undefined) {
        names['#at'] = 'at';
        values[':since'] = filter.since;
        filters.push('#at >= :since');
      }
      if (filter.until !== undefined) {
        names['#at'] = 'at';
        values[':until'] = filter.until;
        filters.push('#at < :until');
      }
      if (filter.service !== undefined) {
        names['#service'] = 'service';
        values[':service'] = filter.service;
        filters.push('#service = :service');
      }
      const items = queryItems(client, {
        tableName,
        keyCondition: 'pk = :pk',
        // Pages of at most PAGE_ITEMS keep memory flat when several chains are merged.
        limit: PAGE_ITEMS,
        values,
        consistent: true,
        // The database filters v1 items on their attributes; a v2 item holds its fields in `e`, so it is
        // filtered here, after parsing (below: the same filter again, for every item).
        ...(filters.length > 0 ? { filter: `attribute_exists(e) OR (${filters.join(' AND ')})`, names } : {}),
      });
      const wanted = (entry: AuditEntry) =>
        (filter.since === undefined || entry.at >= filter.since) &&
        (filter.until === undefined || entry.at < filter.until) &&
        (filter.service === undefined || entry.service === filter.service);
      for await (const read of items) {
        if (!('item' in read)) {
          const at = { day, shard, seq: Number(read.sk.slice(4)) };
          yield { at, problem: `entry ${day}/${shard}/${at.seq} is unreadable: ${read.problem}` };
          continue;
        }
        const { item } = read;
        const at = { day, shard, seq: Number(String(item.sk).slice(4)) };
        const record = entryRecord(item);
        const parsed = typeof record === 'string' ? record : parseEntry(record);
        if (typeof parsed !== 'string' && !wanted(parsed)) continue;
        yield (
          typeof parsed === 'string'
            ? { at, problem: `entry ${day}/${shard}/${at.seq} is unreadable: ${parsed}` }
            : { at, entry: parsed }
        ) satisfies StoredItem;
      }
    },
    async markChain(day, shard) {
      await putIfAbsent({ pk: auditKeys.marks, sk: auditKeys.mark(day, shard), day, shard });
    },
    async listChains(fromDay, toDay) {
      const range = between(fromDay, toDay);
      const out: { day: string; shard: number }[] = [];
      for await (const item of pages({
        KeyConditionExpression: `pk = :pk${range.condition}`,
        ExpressionAttributeValues: { ':pk': auditKeys.marks, ...range.values },
        ConsistentRead: true,
      })) {
        const [day, shard] = String(item.sk).split('#');
        if (day !== undefined && shard !== undefined) out.push({ day, shard: Number(shard) });
      }
      return out;
    },
    putCheckpoint: (checkpoint) =>
      putIfAbsent({ pk: auditKeys.checkpoints, sk: checkpoint.day, ...checkpoint }),
    async *readCheckpoints(fromDay, toDay) {
      const range = between(fromDay, toDay);
      for await (const item of pages({
        KeyConditionExpression: `pk = :pk${range.condition}`,
        ExpressionAttributeValues: { ':pk': auditKeys.checkpoints, ...range.values },
        ConsistentRead: true,
      })) {
        const parsed = parseCheckpoint(item);
        const day = String(item.sk);
        yield (
          typeof parsed === 'string'
            ? { day, problem: `checkpoint ${day} is unreadable: ${parsed}` }
            : { day, checkpoint: parsed }
        ) satisfies StoredCheckpoint;
      }
    },
    async checkpointBefore(day) {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: day === undefined ? 'pk = :pk' : 'pk = :pk AND sk < :day',
          ExpressionAttributeValues: {
            ':pk': auditKeys.checkpoints,
            ...(day === undefined ? {} : { ':day': day }),
          },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const parsed = Items?.[0] ? parseCheckpoint(Items[0]) : undefined;
      return typeof parsed === 'object' ? (parsed as AuditCheckpoint) : undefined;
    },
  };
}
