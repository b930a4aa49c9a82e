import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  createDocumentClient,
  type EmbeddedDynamo,
  ensureTable,
  startEmbeddedDynamo,
} from '../../src/adapters/store/dynamo.js';
import { entryRecord } from '../../src/audit/dynamo-item.js';
import type { Decoded } from '../../src/audit/dynamo-read.js';
import { auditKeys } from '../../src/audit/dynamo-store.js';

export interface TestTable {
  readonly dynamo: EmbeddedDynamo;
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  close(): Promise<void>;
}

/** An in-memory dynalite with Lifeboat's table, on 127.0.0.1 and an OS-chosen port. */
export async function startTestTable(tableName = 'lifeboat-audit-test'): Promise<TestTable> {
  const dynamo = await startEmbeddedDynamo();
  const client = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
  await ensureTable(client, tableName);
  return {
    dynamo,
    client,
    tableName,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
}

/** Direct table access that bypasses the audit log, to play the attacker. */
export function tamper(table: TestTable) {
  const { client, tableName } = table;
  const key = (day: string, shard: number, seq: number) => auditKeys.entry(day, shard, seq);
  return {
    async read(day: string, shard: number, seq: number): Promise<Record<string, unknown>> {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key(day, shard, seq) }));
      if (!Item) throw new Error(`no item ${day}/${shard}/${seq}`);
      return Item;
    },
    async write(item: Record<string, unknown>): Promise<void> {
      await client.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    /**
     * Changes an entry's fields as stored, in the item's own format: a v1 item's attributes, or the JSON
     * text of a v2 item.
     */
    async edit(
      day: string,
      shard: number,
      seq: number,
      change: (record: Record<string, unknown>) => Record<string, unknown>,
    ): Promise<void> {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key(day, shard, seq) }));
      if (!Item) throw new Error(`no item ${day}/${shard}/${seq}`);
      if (Item.e === undefined) {
        await this.write(change(Item));
        return;
      }
      const record = entryRecord(Item as Record<string, Decoded>);
      if (typeof record === 'string') throw new Error(record);
      const changed = change(record);
      await this.write({ ...key(day, shard, seq), e: JSON.stringify(changed) });
    },
    async remove(day: string, shard: number, seq: number): Promise<void> {
      await client.send(new DeleteCommand({ TableName: tableName, Key: key(day, shard, seq) }));
    },
    async removeCheckpoint(day: string): Promise<void> {
      await client.send(
        new DeleteCommand({ TableName: tableName, Key: { pk: auditKeys.checkpoints, sk: day } }),
      );
    },
  };
}

/**
 * Rewrites every entry item of a chain in the v1 format (a field per attribute, `details` as JSON text), as
 * Lifeboat wrote them before 2026-12-07: to show that tables holding older items still read and verify.
 */
export async function rewriteAsV1(table: TestTable, day: string, shard: number): Promise<number> {
  const { client, tableName } = table;
  let rewritten = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditKeys.chain(day, shard) },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const record = entryRecord(item as Record<string, Decoded>);
      if (typeof record === 'string') throw new Error(record);
      const { details, ...rest } = record;
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: item.pk, sk: item.sk, ...rest, details: JSON.stringify(details) },
        }),
      );
      rewritten++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return rewritten;
}
