import type { Timer } from '../../src/adapters/slack/timer.js';
import { ConflictError, type Versioned, type VersionedStore } from '../../src/adapters/store/versioned.js';
import type { AlarmAudit } from '../../src/alarms/audit-writer.js';
import { parseAlarmMessage } from '../../src/alarms/cloudwatch.js';
import type { IncidentSlack } from '../../src/alarms/incident-slack.js';
import { createPipeline, type OpenPointer, type PipelineDeps } from '../../src/alarms/pipeline.js';
import type { Receipt, ReceiptStore } from '../../src/alarms/receipts.js';
import type { Route } from '../../src/alarms/routing.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import { createLogger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import { metricAlarm } from './fixtures.js';

/**
 * The alarm applier (src/alarms/pipeline.ts) on in-memory stores that count their calls, with virtual time:
 * for tests on DynamoDB call counts, and for bench/applier-calls.ts (the storm's shape replayed).
 */

export const T0 = Date.UTC(2026, 11, 7, 16, 0, 0);

/** Virtual time: sleepers wake as `advance` passes their time, each followed by the work it lets run. */
export function manualTimer() {
  let now = 0;
  let sleepers: { until: number; wake: () => void }[] = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const timer: Timer & { advance(ms: number): Promise<void> } = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        sleepers.push({ until: now + ms, wake: resolve });
      }),
    async advance(ms) {
      const end = now + ms;
      await settle();
      for (;;) {
        const next = sleepers.filter((s) => s.until <= end).sort((a, b) => a.until - b.until)[0];
        if (!next) break;
        now = Math.max(now, next.until);
        sleepers = sleepers.filter((s) => s !== next);
        next.wake();
        await settle();
      }
      now = end;
      await settle();
    },
  };
  return timer;
}

/** A versioned store in memory that counts its calls, with the real store's conditions. */
export function countingStore<T extends object>() {
  const items = new Map<string, T & Versioned>();
  const calls = { get: 0, create: 0, transition: 0 };
  const store: VersionedStore<T> = {
    async create(id, data) {
      calls.create++;
      if (items.has(id)) throw new ConflictError(`${id} exists`, items.get(id));
      const item = { ...data, version: 1 };
      items.set(id, item);
      return item;
    },
    async get(id) {
      calls.get++;
      return items.get(id);
    },
    async transition(id, expected, next) {
      calls.transition++;
      const current = items.get(id);
      if (current?.version !== expected) throw new ConflictError(`${id} moved on`, current);
      const item = { ...next, version: expected + 1 };
      items.set(id, item);
      return item;
    },
    list: async () => [...items.values()],
    delete: async (id) => {
      items.delete(id);
    },
  };
  return { store, items, calls };
}

export function memoryReceipts() {
  const byId = new Map<string, Receipt>();
  const receipts: ReceiptStore = {
    async claim(r) {
      if (byId.has(r.id)) return false;
      byId.set(r.id, r);
      return true;
    },
    async markApplied(list) {
      for (const r of list) byId.set(r.id, r);
    },
    get: async (id) => byId.get(id),
    async *pending() {},
  };
  return { receipts, byId };
}

export function applier(
  options: Pick<PipelineDeps, 'stormRatePerSecond' | 'stormGapMs' | 'batchGapMs'> = {},
  create: typeof createPipeline = createPipeline,
  /** Another replica: this one shares its stores and time. */
  replicaOf?: Shared,
) {
  const timer = replicaOf?.timer ?? manualTimer();
  const incidents = replicaOf?.incidents ?? countingStore<IncidentRecord>();
  const pointers = replicaOf?.pointers ?? countingStore<OpenPointer>();
  const receipts = replicaOf?.receipts ?? memoryReceipts();
  const instanceId = replicaOf ? 'replica-b' : 'replica-a';
  const slack: IncidentSlack = {
    changed: () => undefined,
    acknowledged: () => undefined,
    refresh: () => undefined,
    idle: async () => undefined,
  };
  const audit: AlarmAudit = {
    received: () => undefined,
    event: () => undefined,
    idle: async () => undefined,
  };
  const pipeline = create({
    getPlan: () => ({}) as Plan,
    receipts: receipts.receipts,
    incidents: incidents.store,
    pointers: pointers.store,
    slack,
    audit,
    clock: { now: () => T0 + timer.now() },
    logger: createLogger({ level: 'silent' }),
    instanceId,
    batchGapMs: 1_000,
    timer,
    ...options,
  });
  let n = 0;
  const ingest = (
    service: string,
    state: 'ALARM' | 'OK' = 'ALARM',
    alarm = `${service}-alarm-${String(n % 3)}`,
  ) => {
    const route: Route = { kind: 'service', service, channel: 'C0STORM', autoRequestFailover: false };
    const id = `${instanceId}-msg-${String(++n)}`;
    const message = metricAlarm(alarm, state, T0 + timer.now());
    return pipeline.ingest({ id, source: 'sns-http', message, event: parseAlarmMessage(message), route });
  };
  const applied = () => [...receipts.byId.values()].filter((r) => r.status === 'applied').length;
  return { pipeline, timer, incidents, pointers, receipts, ingest, applied };
}

/** What two replicas share: the table and the time. */
interface Shared {
  readonly timer: ReturnType<typeof manualTimer>;
  readonly incidents: ReturnType<typeof countingStore<IncidentRecord>>;
  readonly pointers: ReturnType<typeof countingStore<OpenPointer>>;
  readonly receipts: ReturnType<typeof memoryReceipts>;
}
