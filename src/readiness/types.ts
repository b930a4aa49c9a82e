import type { ResourceKind, ResourceOf, Service } from '../plan/schema.js';
import type { Observed } from '../state/observed.js';

/**
 * How ready one thing is to fail over.
 * - ready: measured and within target.
 * - degraded: failover would work, but a target is missed or a safeguard is off (e.g. lag above RPO, PITR off).
 * - not_ready: failover would fail or lose far more than the target (replica missing, replication stopped).
 * - unknown: we could not measure (permission missing, timeout, throttling). Never treated as ready.
 */
export type Verdict = 'ready' | 'degraded' | 'not_ready' | 'unknown';

export type Unit = 'ms' | 'count' | 'bytes';

/** A measured figure or a target: a number with a unit, or a short text such as "available". */
export type Measure = { readonly value: number; readonly unit: Unit } | { readonly text: string };

export interface Check {
  readonly resourceId: string;
  readonly kind: ResourceKind;
  /** Short label of what was checked, e.g. "replication lag". */
  readonly name: string;
  readonly verdict: Verdict;
  readonly measured?: Measure;
  readonly target?: Measure;
  /** One line a person can act on, naming the resource and the measured figure. */
  readonly reason: string;
  /**
   * Set on data-freshness checks (replication lag, backup age, canary): how much data, in ms, a failover
   * now would lose according to this check. Undefined on a freshness check means "could not measure".
   */
  readonly dataLossMs?: number;
  /** True when this check measures data freshness, so it counts towards the RPO estimate. */
  readonly freshness?: boolean;
  /** Where the figure came from. */
  readonly source?: 'api' | 'metric' | 'canary';
  /**
   * What the same read shows about where the service runs (the database writer, DNS), compared with the
   * recorded operating state without another call (src/state/observed.ts).
   */
  readonly observed?: Observed;
}

export type NamedService = Service & { readonly name: string };

/** Runs one AWS call under the engine's concurrency limit and per-call timeout. */
export type CallFn = <T>(call: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * A run measuring for an unplanned failover away from the service's primary Region (presumed impaired): each
 * call to that Region gets one attempt (no SDK retries) and at most `budgetMs`, because what it answers can only
 * be a warning there (src/approval/preconditions.ts). Calls to the recovery Region and to global services
 * (Route 53, its metrics, ARC) keep their retries and the engine's budget: they can refuse.
 */
export interface LeavingPrimary {
  readonly budgetMs: number;
}

export interface CheckContext {
  /** Epoch ms at which this readiness run started. */
  readonly now: number;
  /** Set on a run for an unplanned failover's approval (src/readiness/leaving.ts). */
  readonly leaving?: LeavingPrimary;
  /** Every AWS call goes through here: it waits for a slot, then runs with an abort signal that times out. */
  readonly call: CallFn;
  /** Plan defaults a checker may need, already resolved to milliseconds. */
  readonly defaults: { readonly backupInterval: number };
}

/** One checker per resource kind (several may exist for a kind, e.g. replication and backups). */
export interface Checker<K extends ResourceKind> {
  check(resource: ResourceOf<K>, service: NamedService, ctx: CheckContext): Promise<Check[]>;
}

export type CheckerRegistry = { readonly [K in ResourceKind]?: readonly Checker<K>[] };
