import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Keyed } from './dynamo.js';
import { queryPartition, writeIf } from './ops.js';

/**
 * One holder per service at a time (a failover request or run, a drill): items `<partition>` /
 * `SERVICE#<name>` naming their holder in one attribute. Taken with attribute_not_exists, taken over
 * from a stale holder only while that holder is unchanged, freed only by its holder.
 */

/** A slot: the service, its holder's id under the holder attribute, and when it was claimed. */
export type Slot<H extends string> = { readonly service: string; readonly claimedAtMs: number } & {
  readonly [K in H]: string;
};

export interface ServiceSlots<S> {
  /**
   * Takes the service's slot for `slot`'s holder: undefined once it holds it (or already did), else
   * the live holder. A holder `isStale` calls stale is taken over.
   */
  claim(slot: S, isStale: (holder: S) => Promise<boolean>): Promise<S | undefined>;
  /** Frees the slot only if `holderId` still holds it. */
  release(service: string, holderId: string): Promise<boolean>;
  slots(): Promise<S[]>;
}

export function createServiceSlots<H extends string>(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  holder: H,
): ServiceSlots<Slot<H>> {
  const key = (service: string): Keyed => ({ pk: partition, sk: `SERVICE#${service}` });
  const toSlot = (item: Record<string, unknown>) =>
    ({
      service: String(item.service),
      [holder]: String(item[holder]),
      claimedAtMs: Number(item.claimedAtMs),
    }) as Slot<H>;
  const slots = async () => (await queryPartition(client, tableName, partition)).map(toSlot);
  const holding = async (service: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: key(service), ConsistentRead: true }),
    );
    return Item ? toSlot(Item) : undefined;
  };
  const put = (slot: Slot<H>, current: Slot<H> | undefined) =>
    writeIf(client, {
      put: {
        TableName: tableName,
        Item: { ...key(slot.service), ...slot },
        ...(current
          ? {
              ConditionExpression: '#holder = :holder',
              ExpressionAttributeNames: { '#holder': holder },
              ExpressionAttributeValues: { ':holder': current[holder] },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });

  return {
    async claim(slot, isStale) {
      // A few rounds: each lost race re-reads the holder; a live holder ends the loop.
      for (let round = 0; round < 5; round++) {
        if (await put(slot, undefined)) return undefined;
        const current = await holding(slot.service);
        if (!current) continue;
        if (current[holder] === slot[holder]) return undefined;
        if (!(await isStale(current))) return current;
        if (await put(slot, current)) return undefined;
      }
      return (await holding(slot.service)) ?? slot;
    },
    release(service, holderId) {
      return writeIf(client, {
        delete: {
          TableName: tableName,
          Key: key(service),
          ConditionExpression: '#holder = :id',
          ExpressionAttributeNames: { '#holder': holder },
          ExpressionAttributeValues: { ':id': holderId },
        },
      });
    },
    slots,
  };
}
