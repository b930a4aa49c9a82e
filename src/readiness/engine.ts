import type { Clock } from '../domain/clock.js';
import { createTurnQueue } from '../domain/turns.js';
import type { Resource, ResourceKind, ResourceOf } from '../plan/schema.js';
import type { OperatingState } from '../state/types.js';
import { controlPlaneChecks } from './control-plane.js';
import { withTimeout } from './errors.js';
import {
  estimateRpo,
  estimateRto,
  noStepDurations,
  type RpoEstimate,
  type RtoEstimate,
  type StepDurations,
} from './estimate.js';
import { formatDuration } from './format.js';
import { createLimiter, type Limiter } from './limiter.js';
import type {
  CallFn,
  Check,
  CheckContext,
  Checker,
  CheckerRegistry,
  LeavingPrimary,
  NamedService,
  Verdict,
} from './types.js';
import { freshnessVerdict, worst } from './verdict.js';

export interface ServiceReadiness {
  readonly service: string;
  readonly description?: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** Worst of the checks and of the RTO estimate against its target. */
  readonly verdict: Verdict;
  readonly resources: readonly { readonly id: string; readonly kind: ResourceKind }[];
  /** Checks in plan order of their resources. */
  readonly checks: readonly Check[];
  readonly rpo: { readonly targetMs: number; readonly estimate: RpoEstimate; readonly verdict: Verdict };
  readonly rto: { readonly targetMs: number; readonly estimate: RtoEstimate; readonly verdict: Verdict };
  readonly checkedAt: number;
  readonly durationMs: number;
  /**
   * Which way readiness was measured (src/state/directed.ts): to fail over (the service runs in its primary
   * Region) or to fail back (it runs in its recovery Region: protection of the new primary). Absent = failover.
   */
  readonly direction?: 'failover' | 'failback';
  /** Where the service runs now, or why that is unknown (src/state/). */
  readonly operating?: OperatingState;
}

export interface PlanDefaults {
  readonly backupInterval: number;
  readonly stepEstimate: number;
}

export interface ReadinessEngineOptions {
  readonly checkers: CheckerRegistry;
  readonly clock: Clock;
  /** Most AWS calls in flight at once, shared by every run of this engine. Default 16. */
  readonly concurrency?: number;
  /** Budget of one AWS call including the SDK's retries, ms. Default 10 s. */
  readonly callTimeoutMs?: number;
  readonly stepDurations?: StepDurations;
}

/** How one run reaches AWS beyond the engine's defaults. */
export interface RunOptions {
  /** Measuring for an unplanned failover: the primary Region's calls get one attempt and a short budget. */
  readonly leaving?: LeavingPrimary;
}

export interface ReadinessEngine {
  checkService(service: NamedService, defaults: PlanDefaults, run?: RunOptions): Promise<ServiceReadiness>;
  /** The shared limiter, exposed for the benchmark. */
  readonly limiter: Limiter;
}

export function createReadinessEngine(options: ReadinessEngineOptions): ReadinessEngine {
  const limiter = createLimiter(options.concurrency ?? 16);
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const durations = options.stepDurations ?? noStepDurations;
  // Each AWS call starts on its own event-loop turn: an AWS that answers within the turn (the in-process
  // simulated cloud, a cached answer) would otherwise let a whole plan's checks run back to back in one
  // task, and a Slack request arriving meanwhile would wait for all of them (docs/alarms.md, Benchmark).
  const turns = createTurnQueue();
  const call: CallFn = (fn) =>
    limiter.run(async () => {
      await turns.next();
      return withTimeout(fn, callTimeoutMs);
    });

  return {
    limiter,
    async checkService(service, defaults, run) {
      const started = options.clock.now();
      const ctx: CheckContext = {
        now: started,
        call,
        defaults: { backupInterval: defaults.backupInterval },
        ...(run?.leaving ? { leaving: run.leaving } : {}),
      };
      const perResource = await Promise.all(
        service.resources.map((resource) => checkResource(options.checkers, resource, service, ctx)),
      );
      const checks = [...perResource.flat(), ...controlPlaneChecks(service)];
      const rpoEstimate = estimateRpo(checks);
      const rtoEstimate = estimateRto(service, defaults.stepEstimate, durations);
      const rpoVerdict: Verdict =
        rpoEstimate.ms === undefined ? 'unknown' : freshnessVerdict(rpoEstimate.ms, service.rpo);
      const rtoVerdict: Verdict = rtoEstimate.ms <= service.rto ? 'ready' : 'degraded';
      return {
        service: service.name,
        ...(service.description === undefined ? {} : { description: service.description }),
        primaryRegion: service.primaryRegion,
        recoveryRegion: service.recoveryRegion,
        verdict: worst([...checks.map((c) => c.verdict), rtoVerdict]),
        resources: service.resources.map((r) => ({ id: r.id, kind: r.kind })),
        checks,
        rpo: { targetMs: service.rpo, estimate: rpoEstimate, verdict: rpoVerdict },
        rto: { targetMs: service.rto, estimate: rtoEstimate, verdict: rtoVerdict },
        checkedAt: started,
        durationMs: options.clock.now() - started,
      };
    },
  };
}

function checkersFor<K extends ResourceKind>(registry: CheckerRegistry, kind: K): readonly Checker<K>[] {
  return (registry[kind] ?? []) as readonly Checker<K>[];
}

async function checkResource(
  registry: CheckerRegistry,
  resource: Resource,
  service: NamedService,
  ctx: CheckContext,
): Promise<Check[]> {
  const checkers = checkersFor(registry, resource.kind);
  if (checkers.length === 0) {
    return [
      {
        resourceId: resource.id,
        kind: resource.kind,
        name: 'checker',
        verdict: 'unknown',
        reason: `${resource.id}: no readiness checker for kind ${resource.kind}`,
      },
    ];
  }
  const results = await Promise.all(
    checkers.map(async (checker): Promise<Check[]> => {
      try {
        return await checker.check(resource as ResourceOf<typeof resource.kind>, service, ctx);
      } catch (error) {
        return [unknownCheck(resource, describeFailure(error))];
      }
    }),
  );
  // A checker may have nothing to say (e.g. a canary that is not enabled), but a resource must not.
  const checks = results.flat();
  return checks.length > 0 ? checks : [unknownCheck(resource, 'no checks ran')];
}

function unknownCheck(resource: Resource, why: string): Check {
  return {
    resourceId: resource.id,
    kind: resource.kind,
    name: 'check',
    verdict: 'unknown',
    reason: `${resource.id}: check failed: ${why}`,
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'CallTimeoutError' && 'timeoutMs' in error && typeof error.timeoutMs === 'number') {
      return `timed out after ${formatDuration(error.timeoutMs)}`;
    }
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}
