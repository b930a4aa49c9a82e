import { closeInterval, openInterval } from './time.js';
import { emitChange, type OutageMode, type ScopedRule, type World } from './world.js';

/** Scriptable fault injection; every change is also emitted as a `fault` event. */
export interface Faults {
  /** Calls to the Region fail (503 ServiceUnavailable, or time out), its replication stops, its health checks fail. */
  regionOutage(region: string, options?: { mode?: OutageMode }): void;
  restoreRegion(region: string): void;
  /** Fraction 0..1 of matching calls rejected with the service's throttling error. */
  throttle(rate: number, scope?: ScopedRule): void;
  /** Extra latency per attempt, in realistic milliseconds (scaled like all durations). */
  latency(ms: number, scope?: ScopedRule): void;
  /** Fails `service:Operation` calls (each attempt counts), `times` times or until healed. */
  failOperation(
    operation: string,
    options?: { times?: number; error?: string; status?: number; region?: string },
  ): void;
  /** Stops replication of one resource (plan resource id, bucket, table, cluster, instance or health check id). */
  breakReplication(resourceId: string): void;
  repairReplication(resourceId: string): void;
  /**
   * The code of a Lambda function (its plan resource id, or a function name) throws on every run until healed:
   * invocations answer FunctionError Unhandled (the function's own failure, not an AWS error).
   */
  functionErrors(resourceId: string): void;
  /** Puts an RDS instance into `backing-up` (its backup window) for `durationMs` realistic ms. */
  backingUp(instanceId: string, options?: { region?: string; durationMs?: number }): void;
  /** Clears every fault. */
  heal(): void;
  describe(): FaultsSnapshot;
}

export interface FaultsSnapshot {
  outages: { region: string; since: string; mode: OutageMode }[];
  broken: { resourceId: string; since: string }[];
  throttles: (ScopedRule & { rate: number })[];
  latencies: (ScopedRule & { ms: number })[];
  failures: { operation: string; remaining: number | 'always'; error: string; region?: string }[];
  functionErrors: string[];
}

export interface FaultHooks {
  onChange(): void;
  backingUp(region: string | undefined, instanceId: string, durationMs: number | undefined): void;
}

export function createFaults(world: World, hooks: FaultHooks): Faults {
  const f = world.faults;
  const changed = (what: string, detail: Record<string, unknown>) => {
    world.events.emit('fault', { what, at: world.time.now(), ...detail });
    hooks.onChange();
  };
  const faults: Faults = {
    regionOutage(region, options = {}) {
      openInterval(f.outages, region, world.time.now());
      f.outageMode.set(region, options.mode ?? 'unavailable');
      emitChange(world, 'region', region, { status: 'outage' });
      changed('regionOutage', { region, mode: options.mode ?? 'unavailable' });
    },
    restoreRegion(region) {
      closeInterval(f.outages, region, world.time.now());
      f.outageMode.delete(region);
      emitChange(world, 'region', region, { status: 'available' });
      changed('restoreRegion', { region });
    },
    throttle(rate, scope = {}) {
      if (!(rate >= 0 && rate <= 1)) throw new Error(`throttle rate must be within 0..1, got ${rate}`);
      f.throttles.push({ ...scope, rate });
      changed('throttle', { rate, ...scope });
    },
    latency(ms, scope = {}) {
      f.latencies.push({ ...scope, ms });
      changed('latency', { ms, ...scope });
    },
    failOperation(operation, options = {}) {
      if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(operation))
        throw new Error(`expected an operation such as "rds:PromoteReadReplica", got "${operation}"`);
      const error = options.status
        ? `${options.error ?? 'InternalFailure'}#${options.status}`
        : options.error;
      f.failures.push({
        operation,
        remaining: options.times ?? Number.POSITIVE_INFINITY,
        error: error ?? 'InternalFailure#500',
        ...(options.region ? { region: options.region } : {}),
      });
      changed('failOperation', { operation, ...options });
    },
    breakReplication(resourceId) {
      openInterval(f.broken, resourceId, world.time.now());
      changed('breakReplication', { resourceId });
    },
    repairReplication(resourceId) {
      closeInterval(f.broken, resourceId, world.time.now());
      changed('repairReplication', { resourceId });
    },
    functionErrors(resourceId) {
      f.functionErrors ??= new Set();
      f.functionErrors.add(resourceId);
      changed('functionErrors', { resourceId });
    },
    backingUp(instanceId, options = {}) {
      hooks.backingUp(options.region, instanceId, options.durationMs);
      changed('backingUp', { instanceId, ...options });
    },
    heal() {
      const now = world.time.now();
      for (const region of f.outages.keys()) closeInterval(f.outages, region, now);
      for (const id of f.broken.keys()) closeInterval(f.broken, id, now);
      f.outageMode.clear();
      f.throttles = [];
      f.latencies = [];
      f.failures = [];
      f.functionErrors?.clear();
      changed('heal', {});
    },
    describe() {
      const open = (map: Map<string, { from: number; to?: number }[]>) =>
        [...map.entries()].flatMap(([key, list]) =>
          list.filter((i) => i.to === undefined).map((i) => ({ key, since: new Date(i.from).toISOString() })),
        );
      return {
        outages: open(f.outages).map(({ key, since }) => ({
          region: key,
          since,
          mode: f.outageMode.get(key) ?? 'unavailable',
        })),
        broken: open(f.broken).map(({ key, since }) => ({ resourceId: key, since })),
        throttles: [...f.throttles],
        latencies: [...f.latencies],
        failures: f.failures.map((x) => ({
          ...x,
          remaining: Number.isFinite(x.remaining) ? x.remaining : 'always',
        })),
        functionErrors: [...(f.functionErrors ?? [])],
      };
    },
  };
  return faults;
}

export function matchesScope(rule: ScopedRule, service: string, region: string): boolean {
  return (
    (rule.region === undefined || rule.region === region) &&
    (rule.service === undefined || rule.service === service)
  );
}
