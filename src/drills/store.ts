import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queryPartition, writeIf } from '../adapters/store/ops.js';
import { createVersionedStore, type VersionedStore } from '../adapters/store/versioned.js';
import type { Clock } from '../domain/clock.js';
import type { DrillRecord, DrillResult, DrillStepKind, DrillStepState } from './types.js';

/** The stored outcome of one drill: what `/dr status`, readiness estimates and the report read. */
export interface DrillResultRecord extends DrillResult {
  readonly drillId: string;
  readonly service: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly steps: readonly {
    readonly id: string;
    readonly kind: DrillStepKind;
    readonly resourceId: string;
    readonly state: DrillStepState;
    readonly rtoMs?: number;
    readonly rpoMs?: number;
    readonly rpoTargetMs?: number;
  }[];
}

/** One drill per service at a time; the slot also lists the drills whose resources may still exist. */
export interface DrillSlot {
  readonly service: string;
  readonly drillId: string;
  readonly claimedAtMs: number;
}

export interface DrillStores {
  readonly drills: VersionedStore<DrillRecord>;
  /** Takes the service's slot; when held, `isStale(holder)` decides whether to take it over. */
  claim(slot: DrillSlot, isStale: (holder: DrillSlot) => Promise<boolean>): Promise<DrillSlot | undefined>;
  release(service: string, drillId: string): Promise<boolean>;
  slots(): Promise<DrillSlot[]>;
  /** Written once per drill (attribute_not_exists); false if it was already recorded. */
  putResult(result: DrillResultRecord): Promise<boolean>;
  /** Newest first. */
  results(service: string, limit?: number): Promise<DrillResultRecord[]>;
}

const SLOTS = 'DRILL#ACTIVE';
const slotKey = (service: string) => ({ pk: SLOTS, sk: `SERVICE#${service}` });
const resultKey = (r: Pick<DrillResultRecord, 'service' | 'startedAtMs' | 'drillId'>) => ({
  pk: `DRILLRESULT#${r.service}`,
  sk: `${String(r.startedAtMs).padStart(15, '0')}#${r.drillId}`,
});

/** Drill state, per-service slots and results in the one table (single-item conditional writes only). */
export function createDrillStores(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): DrillStores {
  const putSlot = async (slot: DrillSlot, holder: DrillSlot | undefined) => {
    return writeIf(client, {
      put: {
        TableName: tableName,
        Item: { ...slotKey(slot.service), ...slot },
        ...(holder
          ? {
              ConditionExpression: 'drillId = :holder',
              ExpressionAttributeValues: { ':holder': holder.drillId },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });
  };
  const slots = async (): Promise<DrillSlot[]> =>
    (await queryPartition(client, tableName, SLOTS)).map((item) => ({
      service: String(item.service),
      drillId: String(item.drillId),
      claimedAtMs: Number(item.claimedAtMs),
    }));

  return {
    drills: createVersionedStore<DrillRecord>(
      client,
      tableName,
      { pk: (id) => `DRILL#${id}`, sk: 'DRILL' },
      clock,
    ),
    async claim(slot, isStale) {
      for (let round = 0; round < 5; round++) {
        if (await putSlot(slot, undefined)) return undefined;
        const holder = (await slots()).find((s) => s.service === slot.service);
        if (!holder) continue;
        if (holder.drillId === slot.drillId) return undefined;
        if (!(await isStale(holder))) return holder;
        if (await putSlot(slot, holder)) return undefined;
      }
      return (await slots()).find((s) => s.service === slot.service) ?? slot;
    },
    async release(service, drillId) {
      return writeIf(client, {
        delete: {
          TableName: tableName,
          Key: slotKey(service),
          ConditionExpression: 'drillId = :id',
          ExpressionAttributeValues: { ':id': drillId },
        },
      });
    },
    slots,
    async putResult(result) {
      return writeIf(client, {
        put: {
          TableName: tableName,
          Item: { ...resultKey(result), ...result },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    },
    async results(service, limit = 20) {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `DRILLRESULT#${service}` },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map(({ pk: _pk, sk: _sk, ...rest }) => rest as DrillResultRecord);
    },
  };
}
