import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryPartition, writeIf } from '../adapters/store/ops.js';
import type { FailoverRequest } from './types.js';

/** Which execution currently holds a service (one failover request or run per service at a time). */
export interface ServiceSlot {
  readonly service: string;
  readonly executionId: string;
  readonly claimedAtMs: number;
}

/**
 * Request items (`EXEC#<id>` / `REQUEST`, next to the execution) and per-service slots
 * (`FAILOVER#ACTIVE` / `SERVICE#<name>`). Single-item conditional writes only, like every store.
 */
export interface RequestStore {
  /** Writes the request once; false if it already exists. */
  put(request: FailoverRequest): Promise<boolean>;
  get(id: string): Promise<FailoverRequest | undefined>;
  /** Records the posted message once; false if one was already recorded. */
  setMessage(id: string, messageTs: string): Promise<boolean>;
  /**
   * Takes the service's slot for `executionId`. When another execution holds it, `isStale(holder)` decides
   * whether it may be taken over (conditionally on the holder not having changed); otherwise returns the holder.
   */
  claim(
    slot: ServiceSlot,
    isStale: (holder: ServiceSlot) => Promise<boolean>,
  ): Promise<{ readonly claimed: true } | { readonly claimed: false; readonly holder: ServiceSlot }>;
  /** Frees the slot only if `executionId` still holds it. */
  release(service: string, executionId: string): Promise<boolean>;
  slots(): Promise<ServiceSlot[]>;
}

const SLOTS_PK = 'FAILOVER#ACTIVE';
const requestKey = (id: string) => ({ pk: `EXEC#${id}`, sk: 'REQUEST' });
const slotKey = (service: string) => ({ pk: SLOTS_PK, sk: `SERVICE#${service}` });

export function createRequestStore(client: DynamoDBDocumentClient, tableName: string): RequestStore {
  const readSlot = async (service: string): Promise<ServiceSlot | undefined> => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: slotKey(service), ConsistentRead: true }),
    );
    return Item ? toSlot(Item) : undefined;
  };
  const putSlot = async (slot: ServiceSlot, holder: ServiceSlot | undefined): Promise<boolean> => {
    return writeIf(client, {
      put: {
        TableName: tableName,
        Item: { ...slotKey(slot.service), ...slot },
        ...(holder
          ? {
              ConditionExpression: 'executionId = :holder',
              ExpressionAttributeValues: { ':holder': holder.executionId },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });
  };
  return {
    async put(request) {
      return writeIf(client, {
        put: {
          TableName: tableName,
          Item: { ...requestKey(request.id), ...request },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    },
    async get(id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: requestKey(id), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, ...request } = Item;
      return request as FailoverRequest;
    },
    async setMessage(id, messageTs) {
      return writeIf(client, {
        update: {
          TableName: tableName,
          Key: requestKey(id),
          UpdateExpression: 'SET messageTs = :ts',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(messageTs)',
          ExpressionAttributeValues: { ':ts': messageTs },
        },
      });
    },
    async claim(slot, isStale) {
      // A few rounds: each lost race re-reads the holder; a live holder ends the loop.
      for (let round = 0; round < 5; round++) {
        if (await putSlot(slot, undefined)) return { claimed: true };
        const holder = await readSlot(slot.service);
        if (!holder) continue;
        if (holder.executionId === slot.executionId) return { claimed: true };
        if (!(await isStale(holder))) return { claimed: false, holder };
        if (await putSlot(slot, holder)) return { claimed: true };
      }
      const holder = await readSlot(slot.service);
      return holder ? { claimed: false, holder } : { claimed: false, holder: slot };
    },
    async release(service, executionId) {
      return writeIf(client, {
        delete: {
          TableName: tableName,
          Key: slotKey(service),
          ConditionExpression: 'executionId = :id',
          ExpressionAttributeValues: { ':id': executionId },
        },
      });
    },
    async slots() {
      return (await queryPartition(client, tableName, SLOTS_PK)).map(toSlot);
    },
  };
}

function toSlot(item: Record<string, unknown>): ServiceSlot {
  return {
    service: String(item.service),
    executionId: String(item.executionId),
    claimedAtMs: Number(item.claimedAtMs),
  };
}
