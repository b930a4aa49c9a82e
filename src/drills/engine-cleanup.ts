import { type DrillEngineDeps, type EngineKit, failureText } from './engine-shared.js';
import { createsResources } from './plan.js';
import { stepsOf, withStep } from './record.js';
import type { Drill, DrillRecord, DrillStepRecord } from './types.js';

/** The cleanup phase of a drill: deleting what each step created, then releasing the service's drill slot. */
export function createCleanupPhase(deps: DrillEngineDeps, kit: EngineKit) {
  const { stores, audit } = deps;
  const { executors, now, update, context } = kit;

  /** Steps that created something not yet confirmed gone. */
  const pendingCleanup = (d: DrillRecord) =>
    stepsOf(d).filter(
      (s) => createsResources(s.kind) && s.state !== 'pending' && s.cleanedAtMs === undefined,
    );

  /** Every name a step's resources carry: those it chose before creating, and the ids AWS assigned. */
  const resourcesOf = (steps: readonly DrillStepRecord[]) =>
    steps.flatMap((s) => [...s.names, ...(s.created ?? [])]);

  const auditCleanup = (
    drill: Drill,
    details: { readonly phase: 'started' | 'finished'; readonly due?: string; readonly resources: string[] },
  ) =>
    audit.append({
      type: 'drill.cleanup',
      actor: drill.cleanupBy ?? 'lifeboat',
      service: drill.service,
      executionId: drill.id,
      details: { requestId: drill.id, ...details },
    });

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
        out = { gone: false, error: failureText(error) };
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

  const finishCleanup = async (id: string) => {
    const { drill, changed: finished } = await update(id, (d) =>
      d.state === 'cleaningUp' && pendingCleanup(d).length === 0
        ? { ...d, state: 'finished', finishedAtMs: now() }
        : undefined,
    );
    if (!drill || !finished) return;
    await stores.release(drill.service, drill.id);
    await auditCleanup(drill, {
      phase: 'finished',
      resources: resourcesOf(stepsOf(drill).filter((s) => createsResources(s.kind) && s.state !== 'pending')),
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
      await auditCleanup(drill, {
        phase: 'started',
        due: drill.cleanupBy === undefined || drill.cleanupBy === 'lifeboat' ? 'scheduled' : 'asked',
        resources: resourcesOf(pendingCleanup(drill)),
      });
    return drill?.state === 'cleaningUp';
  };

  return { pendingCleanup, cleanupStep, finishCleanup, cleanupIfDue };
}
