import type { Clock } from '../domain/clock.js';
import type { FailbackReadiness, ReverseItem } from '../failback/types.js';
import type { Plan } from '../plan/load.js';
import type { ServiceReadiness } from '../readiness/engine.js';
import { UnknownServiceError } from '../readiness/errors.js';
import { estimateRunbook, type StepDurations } from '../readiness/estimate.js';
import { type CheckOptions, type ReadinessService, sortWorstFirst } from '../readiness/service.js';
import type { Check, Verdict } from '../readiness/types.js';
import { worst } from '../readiness/verdict.js';
import { runbookEntries } from '../runbook/stages.js';
import type { Observed } from './observed.js';
import type { StateRecorder } from './recorder.js';
import type { OperatingState } from './types.js';

export interface DirectedReadinessDeps {
  /** Readiness to fail over (the checkers of src/readiness), cached by service. */
  readonly forward: ReadinessService;
  /** Replication back to the primary Region and where the data is written (read through the recovery Region). */
  readonly failback: (service: string) => Promise<FailbackReadiness>;
  /**
   * What AWS shows beyond the run's own reads (src/state/observe.ts): compute running on the recorded side and,
   * when `dns`, which Region DNS answers with.
   */
  readonly observe: (
    service: string,
    recorded: 'primary' | 'recovery',
    dns: boolean,
  ) => Promise<readonly Observed[]>;
  readonly state: Pick<StateRecorder, 'read' | 'onProtection' | 'onObserved'>;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly stepDurations?: StepDurations;
  /** How long a directed result is reused, ms. Default 30 s (as the forward service). */
  readonly ttlMs?: number;
}

const VERDICT_OF: Record<ReverseItem['status'], Verdict> = {
  ready: 'ready',
  'catching-up': 'degraded',
  missing: 'not_ready',
  blocked: 'not_ready',
  unknown: 'unknown',
};

/** The failback check as readiness checks: protection of the new primary and readiness to fail back. */
function failbackChecks(f: FailbackReadiness): Check[] {
  return f.items.map((item) => ({
    resourceId: item.resourceId,
    kind: item.kind as Check['kind'],
    name: 'replication back',
    verdict: VERDICT_OF[item.status],
    measured: { text: item.status },
    target: { text: 'ready' },
    reason: `${item.resourceId}: ${item.text}${item.byHand ? ` To do by hand: ${item.byHand}` : ''}`,
    freshness: true,
    // A planned failback is a switchover (RPO 0) once replication back caught up; before that it cannot run.
    ...(item.status === 'ready' ? { dataLossMs: 0 } : {}),
    source: 'api' as const,
  }));
}

/**
 * Readiness in the direction that applies now (docs/state.md). Running in the primary Region (or state
 * unknown): readiness to fail over, from the forward checkers. Running in the recovery Region, or failing
 * back: protection of the new primary and readiness to fail back, from the failback check (which reads
 * through the recovery Region), with the RTO of the failback runbook. Every result carries the operating
 * state; what AWS shows about the writer is compared with it (drift is recorded, never applied). An unknown
 * state makes the verdict unknown: Lifeboat never guesses a direction.
 */
export function createDirectedReadiness(deps: DirectedReadinessDeps): ReadinessService {
  const ttlMs = deps.ttlMs ?? 30_000;
  const cache = new Map<string, { readonly at: number; readonly result: ServiceReadiness }>();
  const generation = new Map<string, number>();

  const backwards = async (name: string, f: FailbackReadiness): Promise<ServiceReadiness> => {
    const plan = deps.getPlan();
    const service = plan.services[name];
    if (!service) throw new UnknownServiceError(name, Object.keys(plan.services));
    const checks = failbackChecks(f);
    const rto = estimateRunbook(
      name,
      runbookEntries({ ...service, name }, 'failback'),
      plan.defaults.stepEstimate,
      deps.stepDurations,
    );
    const rtoVerdict: Verdict = rto.ms <= service.rto ? 'ready' : 'degraded';
    const allReady = f.items.every((i) => i.status === 'ready');
    const rpoVerdict: Verdict = allReady
      ? 'ready'
      : f.items.some((i) => i.status === 'unknown')
        ? 'unknown'
        : 'not_ready';
    const worstItem = f.items.find((i) => i.status !== 'ready');
    return {
      service: name,
      ...(service.description === undefined ? {} : { description: service.description }),
      primaryRegion: service.primaryRegion,
      recoveryRegion: service.recoveryRegion,
      verdict: worst([...checks.map((c) => c.verdict), rtoVerdict]),
      resources: f.items.map((i) => ({ id: i.resourceId, kind: i.kind as Check['kind'] })),
      checks,
      rpo: {
        targetMs: service.rpo,
        estimate: allReady
          ? { ms: 0, complete: true }
          : {
              ms: undefined,
              complete: false,
              ...(worstItem ? { worst: { resourceId: worstItem.resourceId, name: 'replication back' } } : {}),
            },
        verdict: rpoVerdict,
      },
      rto: { targetMs: service.rto, estimate: rto, verdict: rtoVerdict },
      checkedAt: f.checkedAtMs,
      durationMs: deps.clock.now() - f.checkedAtMs,
      direction: 'failback',
    };
  };

  /**
   * Compares what AWS shows with the record: what this run's reads already showed (`seen`) plus the reads only
   * the comparison needs. A failure to compare never fails the readiness answer.
   */
  const compare = async (
    name: string,
    recorded: 'primary' | 'recovery',
    seen: readonly Observed[],
    dns: boolean,
  ) => {
    const more = await deps.observe(name, recorded, dns).catch(() => []);
    const observations = [...seen, ...more];
    // With nothing observed the recorder only reads the record back (to return its drift, unused here): a
    // round trip on every check of a service whose reads showed nothing, e.g. its primary Region in an outage.
    if (observations.length > 0) await deps.state.onObserved(name, observations).catch(() => undefined);
  };

  const measure = async (name: string, options: CheckOptions): Promise<ServiceReadiness> => {
    const operating: OperatingState = await deps.state.read(name);
    const inRecovery =
      operating.known &&
      (operating.state.phase === 'running-in-recovery-unprotected' ||
        operating.state.phase === 'running-in-recovery-protected' ||
        operating.state.phase === 'failing-back');
    if (inRecovery) {
      const f = await deps.failback(name);
      if (operating.state.phase !== 'failing-back') {
        // Where the data is written comes with the failback check; DNS and compute need reads of their own.
        const writer: Observed[] =
          f.servingObserved && f.serving !== 'unknown'
            ? [{ facet: 'writer', side: f.serving, text: f.servingReason }]
            : [];
        await compare(name, 'recovery', writer, true);
        const text = f.ready
          ? `replication back to ${f.primaryRegion} caught up: failback possible`
          : `no replication back to ${f.primaryRegion} yet`;
        await deps.state.onProtection(name, { ready: f.ready, text }).catch(() => undefined);
      }
      return { ...(await backwards(name, f)), operating: await deps.state.read(name) };
    }
    // Only the direction that applies is measured: the forward checks' own reads show the writer and DNS.
    const forward = await deps.forward.check(name, options);
    // An approval's run (one attempt to the primary Region) compares nothing with the record: a call there that
    // did not answer is no evidence, and must not clear drift a full run recorded. The approval reads the state
    // itself, so the record is not read again either: two round trips fewer on its path (docs/runbook.md).
    if (options.leaving)
      return {
        ...forward,
        direction: 'failover',
        operating,
        ...(operating.known ? {} : { verdict: 'unknown' as const }),
      };
    if (operating.known && operating.state.phase === 'normal-in-primary')
      await compare(
        name,
        'primary',
        forward.checks.flatMap((c) => (c.observed ? [c.observed] : [])),
        false,
      );
    const latest = operating.known ? await deps.state.read(name) : operating;
    return {
      ...forward,
      direction: 'failover',
      operating: latest,
      ...(latest.known ? {} : { verdict: 'unknown' as const }),
    };
  };

  const check: ReadinessService['check'] = async (name, options) => {
    const plan = deps.getPlan();
    if (!Object.hasOwn(plan.services, name)) throw new UnknownServiceError(name, Object.keys(plan.services));
    const entry = cache.get(name);
    const leaving = options?.leaving;
    if (!options?.fresh && !leaving && entry && deps.clock.now() - entry.at < ttlMs) return entry.result;
    const started = generation.get(name) ?? 0;
    const result = await measure(name, {
      fresh: options?.fresh === true || leaving !== undefined,
      ...(leaving ? { leaving } : {}),
    });
    // A run with one attempt to the primary Region is the approval's alone (CheckOptions.leaving).
    if (!leaving && (generation.get(name) ?? 0) === started)
      cache.set(name, { at: deps.clock.now(), result });
    return result;
  };

  return {
    check,
    async checkAll(options) {
      const names = Object.keys(deps.getPlan().services);
      return sortWorstFirst(await Promise.all(names.map((name) => check(name, options))));
    },
    peek(name) {
      const entry = cache.get(name);
      return entry && deps.clock.now() - entry.at < ttlMs ? entry.result : undefined;
    },
    invalidate(name) {
      generation.set(name, (generation.get(name) ?? 0) + 1);
      cache.delete(name);
      deps.forward.invalidate(name);
    },
  };
}
