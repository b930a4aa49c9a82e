import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeaseStore } from '../adapters/store/leases.js';
import type { Clock } from '../domain/clock.js';
import { createDynamoSlotStore, createMemorySlotStore } from './slots.js';
import { createDynamoStateStore, createMemoryLeases, createMemoryStateStore } from './state.js';
import type { JobLeases, SlotStore, StateStore } from './types.js';

/** Where the scheduler keeps slots, job leases and the small state of its jobs. */
export interface SchedulerStorage {
  readonly slots: SlotStore;
  readonly leases: JobLeases;
  state<T extends object>(prefix: string): StateStore<T>;
}

/** Lifeboat's table (single-table design); leases are the shared LeaseStore's. */
export function dynamoSchedulerStorage(
  client: DynamoDBDocumentClient,
  tableName: string,
  leases: LeaseStore,
  clock: Clock,
): SchedulerStorage {
  return {
    slots: createDynamoSlotStore(client, tableName, clock),
    leases,
    state: <T extends object>(prefix: string) => createDynamoStateStore<T>(client, tableName, prefix, clock),
  };
}

/** Everything in memory: tests, and one process only. */
export function memorySchedulerStorage(clock: Clock): SchedulerStorage & {
  readonly slots: ReturnType<typeof createMemorySlotStore>;
} {
  const states = new Map<string, StateStore<object>>();
  return {
    slots: createMemorySlotStore(clock),
    leases: createMemoryLeases(clock),
    state<T extends object>(prefix: string) {
      const existing = states.get(prefix) ?? createMemoryStateStore<object>();
      states.set(prefix, existing);
      return existing as StateStore<T>;
    },
  };
}
