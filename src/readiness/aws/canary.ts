import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../domain/clock.js';
import { formatDuration, ms } from '../format.js';
import type { Check, NamedService } from '../types.js';
import { AwsCallError, type CheckBase, guard } from './call.js';
import { freshnessCheck } from './freshness.js';

/**
 * How a canary writes its heartbeat and looks for it on the other side. Every writer (every Lifeboat
 * replica) uses the same heartbeat item or object per resource, so a heartbeat can be replaced by another
 * replica's before it replicates: see `createCanaryRunner` for how that still counts as arrived.
 */
export interface CanaryProbe {
  /** Writes the heartbeat with this id in the primary Region. */
  write(id: string): Promise<void>;
  /** The heartbeat id readable in the recovery Region now (undefined: none there yet). */
  replicated(): Promise<string | undefined>;
  /** The heartbeat id in the primary Region now (a strongly consistent read). */
  current(): Promise<string | undefined>;
}

export interface CanaryOptions {
  readonly clock: Clock;
  /** Waits between polls; injected so tests drive a manual clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Poll interval, ms. Default 500 ms. */
  readonly pollMs?: number;
  /** Longest wait for the heartbeat, ms. Default 1.5 × RPO, clamped to 5 s … 2 min. */
  readonly maxWaitMs?: (service: NamedService) => number;
  /** Heartbeat ids; default random UUIDs. */
  readonly newId?: () => string;
}

const defaultMaxWait = (service: NamedService) => Math.min(120_000, Math.max(5_000, service.rpo * 1.5));

/**
 * Runs canaries end to end and remembers each result for the resource's canary interval, so a burst of
 * `/dr status` does not write a heartbeat each time. Concurrent runs for the same resource share one.
 *
 * Two replicas measuring at once write the same heartbeat key: the later write replaces the earlier one,
 * possibly before it reached the recovery Region, so the earlier writer might never see its own id there.
 * A heartbeat therefore counts as arrived when the recovery side shows our id or any id the primary held
 * after our write (a later write to the same key: the replica is at least as fresh as our write). Ids are
 * unique, so "the primary holds another id after our write" means that id was written after ours.
 */
export function createCanaryRunner(options: CanaryOptions) {
  const sleep = options.sleep ?? ((wait: number) => delay(wait).then(() => undefined));
  const pollMs = options.pollMs ?? 500;
  const maxWait = options.maxWaitMs ?? defaultMaxWait;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const memo = new Map<string, { at: number; check: Check }>();
  const inFlight = new Map<string, Promise<Check[]>>();

  async function measure(
    b: CheckBase,
    service: NamedService,
    probe: CanaryProbe,
    subject: string,
  ): Promise<Check[]> {
    return guard(b, subject, async () => {
      const id = newId();
      const wait = maxWait(service);
      const started = options.clock.now();
      await probe.write(id);
      const arrived = arrival(probe, id);
      for (;;) {
        await sleep(pollMs);
        const elapsed = options.clock.now() - started;
        if (await arrived()) {
          return freshnessCheck(b, 'canary replicated in', elapsed, service.rpo, 'RPO', 'canary');
        }
        if (elapsed >= wait) return notArrived(b, service, wait);
      }
    });
  }

  return {
    /** The canary check for one resource: a fresh measurement, or the last one if younger than `intervalMs`. */
    run(
      b: CheckBase,
      service: NamedService,
      intervalMs: number,
      probe: CanaryProbe,
      subject: string,
    ): Promise<Check[]> {
      const key = `${service.name}/${b.resourceId}`;
      const last = memo.get(key);
      const now = options.clock.now();
      if (last && now - last.at < intervalMs) {
        const age = formatDuration(now - last.at);
        return Promise.resolve([{ ...last.check, reason: `${last.check.reason} (measured ${age} ago)` }]);
      }
      const running = inFlight.get(key);
      if (running) return running;
      const run = measure(b, service, probe, subject)
        .then((checks) => {
          const [check] = checks;
          // Only real measurements are remembered; a failed write is retried on the next check.
          if (check && check.verdict !== 'unknown') memo.set(key, { at: options.clock.now(), check });
          return checks;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, run);
      return run;
    },
  };
}

export type CanaryRunner = ReturnType<typeof createCanaryRunner>;

/**
 * Whether the recovery side holds our heartbeat or a later one. The primary is read only when the
 * recovery side shows an id it did not show at the previous poll (an older heartbeat still waiting
 * costs one extra read, not one per poll).
 */
export function arrival(probe: CanaryProbe, id: string): () => Promise<boolean> {
  const later = new Set<string>();
  let lastSeen: string | undefined;
  return async () => {
    const seen = await probe.replicated();
    if (seen === undefined) return false;
    if (seen === id || later.has(seen)) return true;
    if (seen === lastSeen) return false;
    lastSeen = seen;
    const current = await probe.current();
    if (current !== undefined && current !== id) later.add(current);
    return later.has(seen);
  };
}

function notArrived(b: CheckBase, service: NamedService, waitedMs: number): Check {
  const waited = formatDuration(waitedMs);
  if (waitedMs <= service.rpo) {
    return {
      ...b,
      verdict: 'unknown',
      target: ms(service.rpo),
      source: 'canary',
      reason: `${b.resourceId}: canary not replicated after ${waited}; RPO ${formatDuration(service.rpo)} not yet exceeded`,
    };
  }
  // The lag is at least the time waited: a lower bound, which is what the RPO estimate gets.
  const check = freshnessCheck(b, 'canary not replicated after', waitedMs, service.rpo, 'RPO', 'canary');
  return { ...check, measured: { text: `> ${waited}` } };
}

/** True for "the object or item is not there (yet)" answers while polling. */
export function isNotFound(error: unknown): boolean {
  return error instanceof AwsCallError && error.failure === 'not_found';
}

export function canaryBase(resource: { id: string; kind: CheckBase['kind'] }): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name: 'canary', freshness: true };
}
