import { resolveBackups } from '../plan/backups.js';
import { type DrillEngineDeps, type EngineKit, failureText } from './engine-shared.js';
import { stepsOf, withStep } from './record.js';
import { heartbeatEvery, judge, measureStep, resultRecord, rpoTargetFor } from './results.js';
import type { Progress } from './steps/index.js';
import { errorName } from './steps/types.js';
import type { DrillStepRecord } from './types.js';

/** Errors no amount of waiting fixes: the step fails at once. */
const PERMANENT =
  /AccessDenied|Unauthorized|InvalidParameter|Validation|MissingParameter|NotFound|Unsupported/;

/** The running phase of a drill: bringing each step's resources up, measuring them, recording the result. */
export function createRunPhase(deps: DrillEngineDeps, kit: EngineKit) {
  const { stores, audit } = deps;
  const { executors, now, timeline, cleanupAfter, update, context } = kit;
  const stepTimeoutMs = deps.stepTimeoutMs ?? 90 * 60_000;

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
        const message = failureText(error);
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
        const everyMs = service ? heartbeatEvery(service, s.resourceId, plan.checkInterval) : undefined;
        // Only a read of the canary's heartbeat ages with the canary's cadence; any other object is data.
        const heartbeat =
          everyMs !== undefined && progress.heartbeat === true
            ? { everyMs, nowMs: now(), timeline }
            : undefined;
        // A recovery point is due every backup interval of the service's AWS Backup schedule.
        const backupEvery =
          service && s.kind === 'restore-backup' ? resolveBackups(plan, d.service, service) : undefined;
        const target = service
          ? (backupEvery?.intervalMs ??
            rpoTargetFor(s.kind, service, plan.defaults.backupInterval, heartbeat))
          : undefined;
        const { error: _e, ...clean } = next;
        return withStep(d, { ...clean, state: 'ready', ...measureStep(next, now(), target, timeline) });
      }
      if (progress.state === 'failed')
        return withStep(d, { ...next, state: 'failed', error: progress.error ?? 'failed', readyAtMs: now() });
      const same = JSON.stringify(next) === JSON.stringify(s);
      return same ? undefined : withStep(d, next);
    });
  };

  /** Once every step is ready or failed: judges the drill, stores its result, audits it, schedules cleanup. */
  const finishRun = async (id: string) => {
    const plan = deps.getPlan();
    const { drill, changed: finished } = await update(id, (d) => {
      if (d.state !== 'running') return undefined;
      const steps = stepsOf(d);
      if (steps.some((s) => s.state === 'pending' || s.state === 'intent')) return undefined;
      const readyAtMs = Math.max(d.startedAtMs ?? now(), ...steps.map((s) => s.readyAtMs ?? 0));
      const service = plan.services[d.service];
      const measured = { ...d, readyAtMs };
      const result = service ? judge(measured, service, now(), timeline) : undefined;
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
    const figures = {
      rtoMs: result.rtoMs,
      ...(result.rpoMs !== undefined ? { rpoMs: result.rpoMs } : {}),
      ...(result.timeNote ? { timeNote: result.timeNote } : {}),
    };
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

  return { advanceStep, finishRun };
}
