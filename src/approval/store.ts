import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../adapters/store/ops.js';
import { createServiceSlots, type Slot } from '../adapters/store/slots.js';
import type { FailoverRequest } from './types.js';

/** Which execution currently holds a service (one failover request or run per service at a time). */
export type ServiceSlot = Slot<'executionId'>;

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

const requestKey = (id: string) => ({ pk: `EXEC#${id}`, sk: 'REQUEST' });

export function createRequestStore(client: DynamoDBDocumentClient, tableName: string): RequestStore {
  const slots = createServiceSlots(client, tableName, 'FAILOVER#ACTIVE', 'executionId');
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
      const holder = await slots.claim(slot, isStale);
      return holder ? { claimed: false, holder } : { claimed: true };
    },
    release: slots.release,
    slots: slots.slots,
  };
}
