import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, ensureTable, startEmbeddedDynamo } from '../adapters/store/dynamo.js';
import {
  createThreadedDocumentClient,
  type OnDemand,
  releaseThread,
} from '../adapters/store/dynamo-thread.js';
import { createStores, type Stores } from '../adapters/store/index.js';
import { createDynamoAuditLog } from '../audit/index.js';
import type { AuditEventInput, AuditLog } from '../audit/types.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { Lifecycle } from './lifecycle.js';

export interface State {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly stores: Stores;
  readonly audit: AuditLog;
  /** For events whose effect is not held back by the audit write (refusals of anonymous requests). */
  auditInBackground(event: AuditEventInput): void;
  /** The readiness probe: the table answers within 2 s and is ACTIVE. */
  checkTable(): Promise<void>;
  /**
   * Once the bot is ready: from now on the DynamoDB thread (DYNAMODB_THREAD=on) starts when the call rate
   * warrants it (`DYNAMO_THREAD_ON_DEMAND`); until then calls run in the main thread.
   */
  releaseThread(): void;
  /** Where the table's DynamoDB stream is read (the audit tamper watch); undefined for embedded dynalite, which has none. */
  readonly stream: { readonly endpoint?: string; readonly region: string } | undefined;
}

/**
 * When the DynamoDB thread runs. The SDK costs about a millisecond of main-thread CPU per call; the thread took an
 * alarm storm's 150-190 calls a second (one receipt per notification) off the main thread (0.28 -> 0.13
 * of a core) but costs ~30 MB of RSS and ~0.5 s of CPU to load. Over 50 calls in a second (a storm
 * crosses it within its first half second; commands, sweeps and probes stay far below it) it starts; at
 * that rate the calls left on the main thread take ~5 % of a core. Ten quiet minutes stop it: a
 * restart costs ~0.5 s of CPU, so flapping storms cost well under 0.1 % of a core (docs/alarms.md).
 */
export const DYNAMO_THREAD_ON_DEMAND: OnDemand = { callsPerSecond: 50, quietMs: 10 * 60_000 };

/**
 * Lifeboat's own state: an external DynamoDB (endpoint override or AWS credentials) or dynalite
 * embedded in-process; the table bootstrapped if missing; the stores and this replica's audit log.
 */
export async function openState(
  config: Config,
  deps: {
    readonly logger: Logger;
    readonly clock: Clock;
    readonly lifecycle: Lifecycle;
    readonly instanceId: string;
    /** Told each audit append's outcome on this replica's main chain (metrics). */
    readonly onAuditAppend?: (outcome: 'ok' | 'failed') => void;
  },
  dynamoEndpoint?: string,
): Promise<State> {
  const { logger, clock, lifecycle } = deps;
  let endpoint = dynamoEndpoint;
  const dynalite = config.state.kind === 'embedded' && !endpoint;
  if (dynalite) {
    const embedded = await startEmbeddedDynamo(config.state.dataDir ? { dataDir: config.state.dataDir } : {});
    lifecycle.onClose(() => embedded.close());
    endpoint = embedded.endpoint;
    logger.info(
      { endpoint, dataDir: config.state.dataDir ?? '(memory)' },
      'embedded DynamoDB (dynalite) started',
    );
  }
  const stateEndpoint = { endpoint, region: config.region ?? 'us-east-1' };
  const documents = config.dynamoThread
    ? createThreadedDocumentClient(stateEndpoint, {
        deferred: {
          ...DYNAMO_THREAD_ON_DEMAND,
          onChange: (running) =>
            logger.info(
              { callsPerSecond: DYNAMO_THREAD_ON_DEMAND.callsPerSecond },
              running ? 'DynamoDB thread started (call rate)' : 'DynamoDB thread stopped (quiet)',
            ),
        },
      })
    : createDocumentClient(stateEndpoint);
  lifecycle.onClose(() => documents.destroy());
  const tableName = config.tableName;
  await ensureTable(documents, tableName);
  const audit = createDynamoAuditLog(documents, tableName, {
    writerId: deps.instanceId,
    clock,
    ...(deps.onAuditAppend ? { onAppend: deps.onAuditAppend } : {}),
  });
  return {
    documents,
    tableName,
    stores: createStores(documents, tableName, clock),
    audit,
    stream: dynalite ? undefined : { ...(endpoint ? { endpoint } : {}), region: stateEndpoint.region },
    // Tracked, so shutdown waits for it before the database closes.
    auditInBackground: (event) => lifecycle.background(`audit append (${event.type})`, audit.append(event)),
    releaseThread: () => releaseThread(documents),
    async checkTable() {
      const { Table } = await documents.send(new DescribeTableCommand({ TableName: tableName }), {
        abortSignal: AbortSignal.timeout(2_000),
      });
      if (Table?.TableStatus !== 'ACTIVE')
        throw new Error(`table ${tableName} is ${Table?.TableStatus ?? 'missing'}`);
    },
  };
}
