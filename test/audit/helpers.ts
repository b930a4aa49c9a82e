import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  createDocumentClient,
  type EmbeddedDynamo,
  ensureTable,
  startEmbeddedDynamo,
} from '../../src/adapters/store/dynamo.js';
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
