import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/clock.js';
import { deleteIfOwner, writeIf } from './ops.js';

/**
 * Durable "do it once" marks, shared by every replica and surviving restarts: whoever claims a key first
 * does the thing (send a notice, a DM); the others, and this replica after a restart, skip it.
 */
export interface OnceMarks {
  /** True if this caller claimed `key` (free, or an earlier claim expired); false if someone holds it. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives back a claim this object made (the thing failed), so a later attempt can claim it again. */
  release(key: string): Promise<boolean>;
}

const itemKey = (key: string) => ({ pk: `ONCE#${key}`, sk: 'ONCE' });

/** One item per key, taken by a conditional put; `expiresAtMs` is checked, `expiresAt` is DynamoDB's TTL. */
export function createOnceMarks(client: DynamoDBDocumentClient, tableName: string, clock: Clock): OnceMarks {
  // Release deletes only this object's own claim, never one another replica took after ours expired.
  const owner = randomUUID();
  return {
    async claim(key, ttlMs) {
      const now = clock.now();
      const expiresAtMs = now + ttlMs;
      return writeIf(client, {
        put: {
          TableName: tableName,
          Item: { ...itemKey(key), owner, expiresAtMs, expiresAt: Math.ceil(expiresAtMs / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs <= :now',
          ExpressionAttributeValues: { ':now': now },
        },
      });
    },
    async release(key) {
      return deleteIfOwner(client, tableName, itemKey(key), owner);
    },
  };
}
