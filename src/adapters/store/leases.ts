import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/clock.js';
import { deleteIfOwner, writeIf } from './ops.js';

export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly expiresAtMs: number;
}

/**
 * Leases decide which replica drives an execution or runs a scheduled slot. A lease is one item
 * taken by a conditional write: free, expired, or already ours. Expired leases are taken over.
 */
export interface LeaseStore {
  /** Takes or renews the lease; undefined when another owner holds an unexpired lease. */
  acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Gives the lease up, only if we still own it. */
  release(name: string, owner: string): Promise<boolean>;
  current(name: string): Promise<Lease | undefined>;
}

const key = (name: string) => ({ pk: `LEASE#${name}`, sk: 'LEASE' });

export function createLeaseStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): LeaseStore {
  return {
    async acquire(name, owner, ttlMs) {
      const now = clock.now();
      const lease: Lease = { name, owner, expiresAtMs: now + ttlMs };
      const taken = await writeIf(client, {
        put: {
          TableName: tableName,
          Item: { ...key(name), ...lease, expiresAt: Math.ceil(lease.expiresAtMs / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        },
      });
      return taken ? lease : undefined;
    },
    async release(name, owner) {
      return deleteIfOwner(client, tableName, key(name), owner);
    },
    async current(name) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(name), ConsistentRead: true }),
      );
      if (!Item || (Item.expiresAtMs as number) <= clock.now()) return undefined;
      return { name, owner: Item.owner as string, expiresAtMs: Item.expiresAtMs as number };
    },
  };
}
