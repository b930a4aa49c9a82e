import { createHash } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll, writeIf } from '../adapters/store/ops.js';
import type { Clock } from '../domain/clock.js';
import type { AlarmEvent } from './cloudwatch.js';
import type { Route } from './routing.js';

/**
 * One item per notification, keyed by its SNS MessageId (or, for raw SQS delivery, a hash of the
 * message), written with `attribute_not_exists` before the notification is acknowledged (HTTP 200,
 * SQS delete). The write is both the deduplication across HTTP, SQS and replicas, and the durable
 * record: a receipt stays `pending` until its alarm is applied to an incident, and pending receipts
 * left by a stopped or crashed replica are found and applied by `pending()` sweeps.
 */

export type ReceiptSource = 'sns-http' | 'sqs' | 'probe';
export type ReceiptStatus = 'pending' | 'applied';
/** What applying did: changed an incident, or arrived with no incident open and no ALARM. */
export type ReceiptOutcome = 'incident' | 'no-incident' | 'unrouted-dropped';

export interface Receipt {
  readonly id: string;
  readonly source: ReceiptSource;
  readonly topicArn?: string;
  readonly receivedAtMs: number;
  /** The replica that recorded it. */
  readonly owner: string;
  readonly status: ReceiptStatus;
  readonly outcome?: ReceiptOutcome;
  readonly incidentId?: string;
  readonly route: Route;
  readonly event: AlarmEvent;
}

export interface ReceiptStore {
  /** Records a notification once; false when its id was already recorded (a duplicate). */
  claim(receipt: Receipt): Promise<boolean>;
  /** Marks receipts applied (batched, unconditional: applying is idempotent). */
  markApplied(receipts: readonly Receipt[]): Promise<void>;
  get(id: string): Promise<Receipt | undefined>;
  /** Pending receipts received before `before` (epoch ms), shard by shard. */
  pending(before: number): AsyncIterable<Receipt>;
}

/** SQS keeps messages at most 14 days: a duplicate can arrive that late. */
export const RECEIPT_RETENTION_MS = 15 * 86_400_000;
const SHARDS = 16;

export const shardOf = (id: string) => createHash('sha256').update(id).digest().readUInt16BE(0) % SHARDS;
const key = (id: string) => ({ pk: `ALARMMSG#${String(shardOf(id)).padStart(2, '0')}`, sk: id });

/** Dedupe id for a message without an SNS MessageId (raw SQS delivery): its content hash. */
export const contentId = (message: string) => `sha256:${createHash('sha256').update(message).digest('hex')}`;

export function createReceiptStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): ReceiptStore {
  const item = (r: Receipt) => {
    const expiresAtMs = r.receivedAtMs + RECEIPT_RETENTION_MS;
    return { ...key(r.id), ...r, expiresAtMs, expiresAt: Math.ceil(expiresAtMs / 1000) };
  };
  const strip = (raw: Record<string, unknown>): Receipt => {
    const { pk: _pk, sk: _sk, expiresAt: _e, expiresAtMs: _m, ...rest } = raw;
    return rest as unknown as Receipt;
  };
  return {
    async claim(receipt) {
      return writeIf(client, {
        put: {
          TableName: tableName,
          Item: item(receipt),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs <= :now',
          ExpressionAttributeValues: { ':now': clock.now() },
        },
      });
    },
    async markApplied(receipts) {
      for (let i = 0; i < receipts.length; i += 25) {
        let requests: Record<string, Record<string, unknown>[]> | undefined = {
          [tableName]: receipts.slice(i, i + 25).map((r) => ({ PutRequest: { Item: item(r) } })),
        };
        for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
          if (attempt > 0)
            await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
          const out = await client.send(new BatchWriteCommand({ RequestItems: requests }));
          requests = out.UnprocessedItems as typeof requests;
          if (attempt > 8) throw new Error('DynamoDB left receipts unprocessed after 8 retries');
        }
      }
    },
    async get(id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
      );
      return Item ? strip(Item) : undefined;
    },
    async *pending(before) {
      for (let shard = 0; shard < SHARDS; shard++) {
        const items = queryAll(client, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#s = :pending AND receivedAtMs < :before',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':pk': `ALARMMSG#${String(shard).padStart(2, '0')}`,
            ':pending': 'pending',
            ':before': before,
          },
        });
        for await (const raw of items) yield strip(raw);
      }
    },
  };
}
