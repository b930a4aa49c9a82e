import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../adapters/store/ops.js';
import { createServiceSlots, type Slot } from '../adapters/store/slots.js';
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
export type DrillSlot = Slot<'drillId'>;

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
  const slots = createServiceSlots(client, tableName, 'DRILL#ACTIVE', 'drillId');

  return {
    drills: createVersionedStore<DrillRecord>(
      client,
      tableName,
      { pk: (id) => `DRILL#${id}`, sk: 'DRILL' },
      clock,
    ),
    claim: slots.claim,
    release: slots.release,
    slots: slots.slots,
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
