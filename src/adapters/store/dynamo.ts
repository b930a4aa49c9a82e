import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export { createDocumentClient, type StateEndpoint } from './client.js';

/** Every item in Lifeboat's table has a string partition key `pk` and sort key `sk`. */
export interface Keyed {
  readonly pk: string;
  readonly sk: string;
}

/**
 * Creates the table if it does not exist and waits until it is ACTIVE. Safe to call from several
 * processes at once. Production tables come from infra/ (with TTL on `expiresAt` and PITR).
 */
/** Lifeboat's table: string keys `pk`/`sk`, on demand; `stream` adds a NEW_AND_OLD_IMAGES stream (infra/'s table has one). */
export function tableSpec(
  tableName: string,
  options: { readonly stream?: boolean } = {},
): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    ...(options.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
      : {}),
  };
}

export async function ensureTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly stream?: boolean } = {},
): Promise<void> {
  // In production the table comes from infra/ and the task role may not create tables: look first.
  if ((await tableStatus(client, tableName)) === 'ACTIVE') return;
  try {
    await client.send(new CreateTableCommand(tableSpec(tableName, options)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await tableStatus(client, tableName)) === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

async function tableStatus(client: DynamoDBDocumentClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

export interface EmbeddedDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in-process on 127.0.0.1: on disk under `dataDir`, or in memory without one. */
export async function startEmbeddedDynamo(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedDynamo> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  // Loaded here, not at import: a bot with an external table (production) never needs dynalite's modules.
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({
    ...(options.dataDir ? { path: `${options.dataDir}/dynamodb` } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // Requests in flight finish first (dynalite throws, uncaught, if its store closes under a write);
    // connections still open after 2 s are cut.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      }),
  };
}
