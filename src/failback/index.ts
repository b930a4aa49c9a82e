/** Failback's public surface: readiness check (reverse replication), setup steps, the request gate. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createVersionedStore, type VersionedStore } from '../adapters/store/versioned.js';
import type { Clock } from '../domain/clock.js';
import type { SetupRecord } from './types.js';

export { type FailbackGate, failbackGate, offeredSetup } from './gate.js';
export { createMoveStore, type MoveStore } from './moves.js';
export { checkFailbackReadiness, FAILBACK_RULE_ID } from './reverse.js';
export { createFailbackSetup, type FailbackSetup, type SetupOutcome } from './setup.js';
export * from './types.js';

/** Setup records (`FAILBACK#<service>` / `SETUP`) in Lifeboat's table. */
export function createSetupStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): VersionedStore<SetupRecord> {
  return createVersionedStore<SetupRecord>(
    client,
    tableName,
    { pk: (s) => `FAILBACK#${s}`, sk: 'SETUP' },
    clock,
  );
}
