import type { AwsClients } from '../adapters/aws/clients.js';
import type { LeaseStore } from '../adapters/store/leases.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { createsResources, drillSettingsOf } from './plan.js';
import { stepsOf, updateDrill, withStep } from './record.js';
import { judge, measureStep, resultRecord, rpoTargetFor } from './results.js';
import {
  type DrillExecutors,
  defaultDrillExecutors,
  type Progress,
  type StepContext,
} from './steps/index.js';
import { errorName } from './steps/types.js';
import type { DrillStores } from './store.js';
import {
  type Drill,
  type DrillRecord,
  type DrillSettings,
  type DrillStepRecord,
  FINAL_DRILL_STATES,
} from './types.js';

export interface DrillEngineDeps {
  readonly stores: DrillStores;
  readonly leases: LeaseStore;
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly logger: Logger;
  /** This replica: the owner written on drill leases. */
  readonly instanceId: string;
  /** After every persisted change (card updates); errors are logged, never stop the drill. */
  readonly onChange?: (drill: Drill) => Promise<void>;
  readonly executors?: DrillExecutors;
  /** Isolation settings per service; default: the service's plan `drill:` section (account defaults without one). */
  readonly settings?: (service: string) => DrillSettings;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Default 10 s. */
  readonly pollIntervalMs?: number;
  /**
   * How long drill resources live after the drill is measured before cleanup starts by itself, for services
   * without a plan `drill.cleanupAfter`. Default 60 min.
   */
  readonly cleanupAfterMs?: number;
  /** A step that is not ready after this long failed. Default 90 min. */
  readonly stepTimeoutMs?: number;
  readonly callTimeoutMs?: number;
  readonly leaseTtlMs?: number;
}

/** Errors no amount of waiting fixes: the step fails at once. */
const PERMANENT =
  /AccessDenied|Unauthorized|InvalidParameter|Validation|MissingParameter|NotFound|Unsupported/;

export function createDrillEngine(deps: DrillEngineDeps) {
  const { stores, clock, audit, logger } = deps;
  const executors = deps.executors ?? defaultDrillExecutors;
  const poll = deps.pollIntervalMs ?? 10_000;
  const cleanupAfter = (service: string) =>
    deps.getPlan().services[service]?.drill?.cleanupAfter ?? deps.cleanupAfterMs ?? 60 * 60_000;
  const stepTimeoutMs = deps.stepTimeoutMs ?? 90 * 60_000;
  const leaseTtlMs = deps.leaseTtlMs ?? 60_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = () => clock.now();
  let stopped = false;

  const changed = async (drill: Drill | undefined) => {
    if (!drill || !deps.onChange) return;
    await deps
      .onChange(drill)
      .catch((error: unknown) => logger.warn({ err: error, drill: drill.id }, 'drill onChange failed'));
  };
  const update = async (id: string, change: (d: DrillRecord) => DrillRecord | undefined) => {
    const out = await updateDrill(stores, id, now, change);
    if (out.changed) await changed(out.drill);
    return out;
  };

  const context = (drill: DrillRecord, step: DrillStepRecord): StepContext | undefined => {
    const plan = deps.getPlan();
    const service = Object.hasOwn(plan.services, drill.service) ? plan.services[drill.service] : undefined;
    const resource = service?.resources.find((r) => r.id === step.resourceId);
    if (!service || !resource) return undefined;
    return {
      drillId: drill.id,
      service: { ...service, name: drill.service },
      resource,
      step,
      clients: deps.aws.forRegion(step.region),
      settings: deps.settings?.(drill.service) ?? drillSettingsOf(service),
      now,
      signal: () => AbortSignal.timeout(deps.callTimeoutMs ?? 30_000),
    };
  };

  /** One look at a step that is not final: record the intent, advance, record what changed. */
  const advanceStep = async (id: string, step: DrillStepRecord) => {
    if (step.state === 'pending') {
      const { drill } = await update(id, (d) => {
        const s = d.steps[step.id];
        return s?.state === 'pending'
          ? withStep(d, { ...s, state: 'intent', startedAtMs: now() })
          : undefined;
      });
      const started = drill?.steps[step.id];
      if (!drill || !started) return;
      step = started;
    }
    const current = await stores.drills.get(id);
    const ctx = current && context(current, step);
    let progress: Progress;
    if (!ctx) progress = { state: 'failed', error: `${step.resourceId} is no longer in the plan` };
    else {
      try {
        progress = await executors[step.kind].advance(ctx);
      } catch (error) {
        const message = `${errorName(error)}: ${error instanceof Error ? error.message : String(error)}`;
        progress = PERMANENT.test(errorName(error))
          ? { state: 'failed', error: message }
          : { state: 'working', error: message };
      }
    }
    if (progress.state === 'working' && now() - (step.startedAtMs ?? now()) > stepTimeoutMs)
      progress = {
        state: 'failed',
        error: `not ready after ${Math.round(stepTimeoutMs / 60_000)} min${progress.error ? ` (${progress.error})` : ''}`,
      };
    await update(id, (d) => {
      const s = d.steps[step.id];
      if (s?.state !== 'intent') return undefined;
      const next: DrillStepRecord = {
        ...s,
        ...(progress.source !== undefined ? { source: progress.source } : {}),
        ...(progress.dataAtMs !== undefined ? { dataAtMs: progress.dataAtMs } : {}),
        ...(progress.detail !== undefined ? { detail: progress.detail } : {}),
        ...(progress.created !== undefined && progress.created.length > 0
          ? { created: progress.created }
          : {}),
      };
      if (progress.state === 'ready') {
        const plan = deps.getPlan();
        const service = plan.services[d.service];
        const target = service ? rpoTargetFor(s.kind, service, plan.defaults.backupInterval) : undefined;
        const { error: _e, ...clean } = next;
        return withStep(d, { ...clean, state: 'ready', ...measureStep(next, now(), target) });
      }
      if (progress.state === 'failed')
        return withStep(d, { ...next, state: 'failed', error: progress.error ?? 'failed', readyAtMs: now() });
      const same = JSON.stringify(next) === JSON.stringify(s);
      return same ? undefined : withStep(d, next);
    });
  };

  const finishRun = async (id: string) => {
    const plan = deps.getPlan();
    const { drill, changed: finished } = await update(id, (d) => {
      if (d.state !== 'running') return undefined;
      const steps = stepsOf(d);
      if (steps.some((s) => s.state === 'pending' || s.state === 'intent')) return undefined;
      const readyAtMs = Math.max(d.startedAtMs ?? now(), ...steps.map((s) => s.readyAtMs ?? 0));
      const service = plan.services[d.service];
      const measured = { ...d, readyAtMs };
      const result = service ? judge(measured, service, now()) : undefined;
      return {
        ...measured,
        state: 'awaitingCleanup',
        cleanupAtMs: now() + cleanupAfter(d.service),
        ...(result ? { result } : {}),
      };
    });
    const result = drill?.result;
    if (!drill || !result || !finished) return;
    await stores.putResult(resultRecord(drill, result, drill.readyAtMs ?? now()));
    const failedSteps = stepsOf(drill).filter((s) => s.state === 'failed');
    const figures = { rtoMs: result.rtoMs, ...(result.rpoMs !== undefined ? { rpoMs: result.rpoMs } : {}) };
    const steps = stepsOf(drill).map((s) => ({
      id: s.id,
      state: s.state,
      rtoMs: s.rtoMs ?? null,
      rpoMs: s.rpoMs ?? null,
    }));
    await audit.append(
      failedSteps.length > 0
        ? {
            type: 'drill.failed',
            actor: 'lifeboat',
            service: drill.service,
            executionId: drill.id,
            details: { requestId: drill.id, reason: result.reasons.join('; '), ...figures, steps },
          }
        : {
            type: 'drill.completed',
            actor: 'lifeboat',
            service: drill.service,
            executionId: drill.id,
            details: {
              requestId: drill.id,
              ...figures,
              passed: result.passed,
              reasons: [...result.reasons],
              steps,
            },
          },
    );
  };

  const cleanupStep = async (id: string, step: DrillStepRecord) => {
    const current = await stores.drills.get(id);
    const ctx = current && context(current, step);
    let out: { gone: boolean; detail?: string; error?: string };
    if (!ctx)
      out = {
        gone: false,
        error: `${step.resourceId} is no longer in the plan: clean up ${step.names.join(', ')} by hand`,
      };
    else {
      try {
        out = await executors[step.kind].cleanup(ctx);
      } catch (error) {
        out = {
          gone: false,
          error: `${errorName(error)}: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }
    await update(id, (d) => {
      const s = d.steps[step.id];
      if (!s || s.cleanedAtMs !== undefined) return undefined;
      const next: DrillStepRecord = out.gone
        ? { ...s, cleanupStartedAtMs: s.cleanupStartedAtMs ?? now(), cleanedAtMs: now() }
        : {
            ...s,
            cleanupStartedAtMs: s.cleanupStartedAtMs ?? now(),
            ...(out.error ? { cleanupError: out.error } : {}),
          };
      return JSON.stringify(next) === JSON.stringify(s) ? undefined : withStep(d, next);
    });
  };

  const pendingCleanup = (d: DrillRecord) =>
    stepsOf(d).filter(
      (s) => createsResources(s.kind) && s.state !== 'pending' && s.cleanedAtMs === undefined,
    );

  const finishCleanup = async (id: string) => {
    const { drill, changed: finished } = await update(id, (d) =>
      d.state === 'cleaningUp' && pendingCleanup(d).length === 0
        ? { ...d, state: 'finished', finishedAtMs: now() }
        : undefined,
    );
    if (!drill || !finished) return;
    await stores.release(drill.service, drill.id);
    await audit.append({
      type: 'drill.cleanup',
      actor: drill.cleanupBy ?? 'lifeboat',
      service: drill.service,
      executionId: drill.id,
      details: {
        requestId: drill.id,
        phase: 'finished',
        resources: stepsOf(drill).flatMap((s) =>
          createsResources(s.kind) && s.state !== 'pending' ? [...s.names, ...(s.created ?? [])] : [],
        ),
      },
    });
  };

  /** Starts cleanup if it is due (or was asked for); returns whether the drill is now cleaning up. */
  const cleanupIfDue = async (id: string): Promise<boolean> => {
    const { drill, changed: started } = await update(id, (d) =>
      d.state === 'awaitingCleanup' && (d.cleanupAtMs ?? 0) <= now()
        ? { ...d, state: 'cleaningUp', cleanupBy: d.cleanupBy ?? 'lifeboat' }
        : undefined,
    );
    if (drill && started)
      await audit.append({
        type: 'drill.cleanup',
        actor: drill.cleanupBy ?? 'lifeboat',
        service: drill.service,
        executionId: drill.id,
        details: {
          requestId: drill.id,
          phase: 'started',
          due: drill.cleanupBy === undefined || drill.cleanupBy === 'lifeboat' ? 'scheduled' : 'asked',
          resources: pendingCleanup(drill).flatMap((s) => [...s.names, ...(s.created ?? [])]),
        },
      });
    return drill?.state === 'cleaningUp';
  };

  /**
   * Drives the drill as far as it can go now, holding its lease: brings resources up and measures them,
   * records the result, and cleans up once due. Returns when it is finished, waiting for its cleanup time, or
   * another replica holds the lease.
   */
  async function drive(id: string): Promise<Drill | undefined> {
    const lease = `DRILL#${id}`;
    if (!(await deps.leases.acquire(lease, deps.instanceId, leaseTtlMs))) return stores.drills.get(id);
    try {
      for (;;) {
        if (stopped) return stores.drills.get(id);
        const drill = await stores.drills.get(id);
        if (!drill) return undefined;
        if (drill.state === 'running') {
          const open = stepsOf(drill).filter((s) => s.state === 'pending' || s.state === 'intent');
          if (open.length === 0) {
            await finishRun(id);
            continue;
          }
          for (const step of open) await advanceStep(id, step);
        } else if (drill.state === 'awaitingCleanup') {
          if (!(await cleanupIfDue(id))) return stores.drills.get(id);
          continue;
        } else if (drill.state === 'cleaningUp') {
          const open = pendingCleanup(drill);
          if (open.length === 0) {
            await finishCleanup(id);
            continue;
          }
          for (const step of open) await cleanupStep(id, step);
          const after = await stores.drills.get(id);
          if (after && pendingCleanup(after).length === 0) continue;
        } else {
          if (FINAL_DRILL_STATES.has(drill.state)) await stores.release(drill.service, drill.id);
          return drill;
        }
        const after = await stores.drills.get(id);
        if (
          after?.state === 'running' &&
          stepsOf(after).every((s) => s.state === 'ready' || s.state === 'failed')
        )
          continue;
        await sleep(poll);
        await deps.leases.acquire(lease, deps.instanceId, leaseTtlMs);
      }
    } finally {
      if (!stopped) await deps.leases.release(lease, deps.instanceId).catch(() => false);
    }
  }

  return {
    drive,
    /** Postpones automatic cleanup by another cleanup period (resources keep running and stay in the digest). */
    async keep(id: string, userId: string) {
      return (
        await update(id, (d) =>
          d.state === 'awaitingCleanup'
            ? {
                ...d,
                keptBy: userId,
                cleanupAtMs: Math.max(d.cleanupAtMs ?? 0, now()) + cleanupAfter(d.service),
              }
            : undefined,
        )
      ).drill;
    },
    /** Makes cleanup due now; the caller then drives the drill (in the background). */
    async cleanupNow(id: string, userId: string) {
      return (
        await update(id, (d) =>
          d.state === 'awaitingCleanup' ? { ...d, cleanupAtMs: now(), cleanupBy: userId } : undefined,
        )
      ).drill;
    },
    /** Every drill holding a slot: drives those with work to do now (after a crash, or cleanup due). */
    async sweep(): Promise<void> {
      for (const slot of await stores.slots()) {
        const drill = await stores.drills.get(slot.drillId);
        if (!drill) {
          if (now() - slot.claimedAtMs > 60_000) await stores.release(slot.service, slot.drillId);
          continue;
        }
        const due =
          drill.state === 'running' ||
          drill.state === 'cleaningUp' ||
          FINAL_DRILL_STATES.has(drill.state) ||
          (drill.state === 'awaitingCleanup' && (drill.cleanupAtMs ?? 0) <= now());
        if (due)
          await drive(drill.id).catch((error: unknown) =>
            logger.error({ err: error, drill: drill.id }, 'drill drive failed'),
          );
      }
    },
    stop() {
      stopped = true;
    },
  };
}

export type DrillEngine = ReturnType<typeof createDrillEngine>;
