import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, createVersionedStore } from '../adapters/store/versioned.js';
import type { Clock } from '../domain/clock.js';
import type { JobLeases, StateStore } from './types.js';

/**
 * Small versioned records under `<prefix>#<id>` (readiness verdicts last reported, probe failure
 * streaks, the last digest's verdicts), on the shared VersionedStore's conditional writes.
 */
export function createDynamoStateStore<T extends object>(
  client: DynamoDBDocumentClient,
  tableName: string,
  prefix: string,
  clock: Clock,
): StateStore<T> {
  const store = createVersionedStore<T>(
    client,
    tableName,
    { pk: (id) => `${prefix}#${id}`, sk: 'STATE' },
    clock,
  );
  return {
    get: (id) => store.get(id),
    async put(id, expected, value) {
      try {
        if (expected === 0) await store.create(id, value);
        else await store.transition(id, expected, value);
        return true;
      } catch (error) {
        if (error instanceof ConflictError) return false;
        throw error;
      }
    },
  };
}

export function createMemoryStateStore<T extends object>(): StateStore<T> {
  const items = new Map<string, T & { version: number }>();
  return {
    async get(id) {
      return items.get(id);
    },
    async put(id, expected, value) {
      if ((items.get(id)?.version ?? 0) !== expected) return false;
      items.set(id, { ...value, version: expected + 1 });
      return true;
    },
  };
}

/** LeaseStore's rules in memory (free, expired, or already ours), for tests. */
export function createMemoryLeases(clock: Clock): JobLeases {
  const leases = new Map<string, { owner: string; expiresAtMs: number }>();
  return {
    async acquire(name, owner, ttlMs) {
      const current = leases.get(name);
      if (current && current.owner !== owner && current.expiresAtMs > clock.now()) return undefined;
      const lease = { owner, expiresAtMs: clock.now() + ttlMs };
      leases.set(name, lease);
      return lease;
    },
    async release(name, owner) {
      if (leases.get(name)?.owner !== owner) return false;
      leases.delete(name);
      return true;
    },
  };
}
