import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../adapters/store/ops.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { LastMove, Move } from './types.js';

/**
 * The last completed failover or failback of each service (`MOVE#<service>` / `LAST`): where the service was
 * last sent, for the failback check of services without a database to observe, and which failover a failback
 * returns from (its step records hold what failback restores). Written only forward in time
 * (conditional on `finishedAtMs`), so a late or repeated report never moves it back.
 */
export interface MoveStore {
  /** Records a completed failover or failback; anything else is ignored. Safe to call on every change. */
  remember(execution: ExecutionRecord): Promise<void>;
  readonly last: LastMove;
}

const key = (service: string) => ({ pk: `MOVE#${service}`, sk: 'LAST' });

export function createMoveStore(client: DynamoDBDocumentClient, tableName: string): MoveStore {
  return {
    async remember(execution) {
      if (execution.state !== 'completed' || execution.kind === 'drill') return;
      const move: Move = {
        kind: execution.kind,
        executionId: execution.id,
        finishedAtMs: execution.finishedAtMs ?? execution.updatedAtMs,
      };
      // A later move already recorded wins (the condition fails): nothing to do.
      await writeIf(client, {
        put: {
          TableName: tableName,
          Item: { ...key(execution.service), service: execution.service, ...move },
          ConditionExpression: 'attribute_not_exists(pk) OR finishedAtMs < :at',
          ExpressionAttributeValues: { ':at': move.finishedAtMs },
        },
      });
    },
    async last(service) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(service), ConsistentRead: true }),
      );
      if (!Item || (Item.kind !== 'failover' && Item.kind !== 'failback')) return undefined;
      return {
        kind: Item.kind,
        executionId: String(Item.executionId),
        finishedAtMs: Number(Item.finishedAtMs),
      };
    },
  };
}
