import type { Clock } from '../domain/clock.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessEngine, ServiceReadiness } from './engine.js';
import { UnknownServiceError } from './errors.js';
import type { LeavingPrimary } from './types.js';
import { severity } from './verdict.js';

export interface CheckOptions {
  /** Skips the cache (a Re-check) but still joins a run in flight. */
  readonly fresh?: boolean;
  /**
   * Measures for an unplanned failover's approval (LeavingPrimary): implies `fresh`; such a run only joins a run
   * in flight with the same budget, and its result is never cached (a status must not show one-attempt figures).
   */
  readonly leaving?: LeavingPrimary;
}

/** What handlers call: readiness per service, cached briefly, one in-flight run per service and budget. */
export interface ReadinessService {
  /** Readiness of one service. */
  check(service: string, options?: CheckOptions): Promise<ServiceReadiness>;
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
  /** Runs in flight by plan, service and budget. */
  const inFlight = new Map<string, { readonly service: string; readonly run: Promise<ServiceReadiness> }>();
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
    const leaving = options?.leaving;
    const key = keyOf(plan, name);
    if (!options?.fresh && !leaving) {
      const cached = fromCache(key);
      if (cached) return Promise.resolve(cached);
    }
    // A run with other budgets is another run: neither joins the other.
    const runKey = leaving ? `${key}\n${leaving.budgetMs}` : key;
    const running = inFlight.get(runKey);
    if (running) return running.run;
    const started = generation.get(name) ?? 0;
    const run = deps.engine
      .checkService({ ...service, name }, plan.defaults, leaving ? { leaving } : {})
      .then((result) => {
        if (!leaving && (generation.get(name) ?? 0) === started)
          cache.set(key, { at: deps.clock.now(), result });
        return result;
      })
      .finally(() => {
        if (inFlight.get(runKey)?.run === run) inFlight.delete(runKey);
      });
    inFlight.set(runKey, { service: name, run });
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
      cache.delete(keyOf(deps.getPlan(), name));
      for (const [runKey, running] of inFlight) if (running.service === name) inFlight.delete(runKey);
    },
  };
}

export function sortWorstFirst(results: readonly ServiceReadiness[]): ServiceReadiness[] {
  return [...results].sort(
    (a, b) => severity(b.verdict) - severity(a.verdict) || a.service.localeCompare(b.service),
  );
}
