import type { Clock } from '../domain/clock.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessEngine, ServiceReadiness } from './engine.js';
import { UnknownServiceError } from './errors.js';
import { severity } from './verdict.js';

/** What handlers call: readiness per service, cached briefly, one in-flight run per service. */
export interface ReadinessService {
  /** Readiness of one service; `fresh` skips the cache (a Re-check) but still joins a run in flight. */
  check(service: string, options?: { readonly fresh?: boolean }): Promise<ServiceReadiness>;
  /** Readiness of every service in the plan, worst first. */
  checkAll(options?: { readonly fresh?: boolean }): Promise<ServiceReadiness[]>;
  /** The cached result if still fresh, without starting a run. */
  peek(service: string): ServiceReadiness | undefined;
  /**
   * Forgets the service's cached result: something changed the picture (an alarm for it, a completed step, a
   * state change). A run in flight when this is called is not cached either.
   */
  invalidate(service: string): void;
}

export interface ReadinessServiceDeps {
  readonly engine: ReadinessEngine;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** How long a result is reused, ms. Default 30 s. */
  readonly ttlMs?: number;
}

export function createReadinessService(deps: ReadinessServiceDeps): ReadinessService {
  const ttlMs = deps.ttlMs ?? 30_000;
  const cache = new Map<string, { readonly at: number; readonly result: ServiceReadiness }>();
  const inFlight = new Map<string, Promise<ServiceReadiness>>();
  /** Bumped per service by `invalidate`: a run started before the bump is neither cached nor joined. */
  const generation = new Map<string, number>();

  // The plan hash is part of the key so a reloaded plan never serves results of the old one.
  const keyOf = (plan: Plan, name: string) => `${plan.hash}:${name}`;

  const fromCache = (key: string): ServiceReadiness | undefined => {
    const entry = cache.get(key);
    if (!entry) return undefined;
    if (deps.clock.now() - entry.at < ttlMs) return entry.result;
    cache.delete(key);
    return undefined;
  };

  const check: ReadinessService['check'] = (name, options) => {
    const plan = deps.getPlan();
    const service = Object.hasOwn(plan.services, name) ? plan.services[name] : undefined;
    if (!service) return Promise.reject(new UnknownServiceError(name, Object.keys(plan.services)));
    const key = keyOf(plan, name);
    if (!options?.fresh) {
      const cached = fromCache(key);
      if (cached) return Promise.resolve(cached);
    }
    const running = inFlight.get(key);
    if (running) return running;
    const started = generation.get(name) ?? 0;
    const run = deps.engine
      .checkService({ ...service, name }, plan.defaults)
      .then((result) => {
        if ((generation.get(name) ?? 0) === started) cache.set(key, { at: deps.clock.now(), result });
        return result;
      })
      .finally(() => {
        if (inFlight.get(key) === run) inFlight.delete(key);
      });
    inFlight.set(key, run);
    return run;
  };

  return {
    check,
    async checkAll(options) {
      const names = Object.keys(deps.getPlan().services);
      const results = await Promise.all(names.map((name) => check(name, options)));
      return sortWorstFirst(results);
    },
    peek(name) {
      return fromCache(keyOf(deps.getPlan(), name));
    },
    invalidate(name) {
      generation.set(name, (generation.get(name) ?? 0) + 1);
      const key = keyOf(deps.getPlan(), name);
      cache.delete(key);
      inFlight.delete(key);
    },
  };
}

export function sortWorstFirst(results: readonly ServiceReadiness[]): ServiceReadiness[] {
  return [...results].sort(
    (a, b) => severity(b.verdict) - severity(a.verdict) || a.service.localeCompare(b.service),
  );
}
