import type { ServiceStateStore } from '../adapters/store/service-state.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Plan } from '../plan/load.js';
import { allSteps, routeFor } from '../runbook/stages.js';
import { type MovingStep, splitResources, stateAfter, stateWithProtection } from './transitions.js';
import type { Drift, OperatingState, ServiceStateRecord } from './types.js';

export interface StateRecorderDeps {
  readonly store: ServiceStateStore;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** Who approved an execution (distinct approvers other than the requester). */
  readonly approvedBy: (execution: ExecutionRecord) => Promise<readonly string[]>;
  /** The last completed failover or failback on record (`MOVE#<service>`), for initialisation. */
  readonly lastMove: (
    service: string,
  ) => Promise<{ readonly kind: 'failover' | 'failback'; readonly finishedAtMs: number } | undefined>;
  /** Told after every written change (e.g. to drop cached readiness of the service). */
  readonly onChanged?: (service: string) => void;
}

/** The steps of an execution's runbook that move a resource (a failback's `stop-recovery` moves nothing). */
function movingSteps(plan: Plan, execution: ExecutionRecord): MovingStep[] {
  if (execution.kind === 'drill') return [];
  try {
    return allSteps(routeFor(plan, execution.service, execution.kind)).flatMap((s) =>
      'resource' in s && !(s.kind === 'ec2' && s.action === 'stop-recovery')
        ? [{ id: s.id, resource: s.resource }]
        : [],
    );
  } catch {
    return [];
  }
}

const placesText = (s: ServiceStateRecord) => {
  const split = splitResources(s);
  return { primary: split.primary, recovery: split.recovery, between: split.between };
};

/**
 * Keeps each service's operating state: the runbook engine reports every persisted execution change
 * (`onExecution`), failback readiness reports protection (`onProtection`), readiness reports what AWS shows
 * (`onObserved`: drift is recorded and audited, never applied). Every written change is audited.
 */
export function createStateRecorder(deps: StateRecorderDeps) {
  const { store, audit, clock } = deps;

  const changed = async (
    written: { readonly before?: ServiceStateRecord; readonly after: ServiceStateRecord } | undefined,
    actor: string,
    executionId?: string,
  ) => {
    if (!written) return;
    const { before, after } = written;
    const moved = JSON.stringify(before?.resources ?? {}) !== JSON.stringify(after.resources);
    const noted =
      JSON.stringify([before?.drift, before?.protection, before?.move?.outcome]) !==
      JSON.stringify([after.drift, after.protection, after.move?.outcome]);
    // A completed step, a state change, drift or protection: the picture changed, cached readiness is stale.
    if (before?.phase !== after.phase || moved || noted) deps.onChanged?.(after.service);
    if (before?.phase === after.phase && !moved) return;
    await audit.append({
      type: 'state.changed',
      actor,
      service: after.service,
      ...(executionId ? { executionId } : {}),
      details: {
        from: before?.phase ?? null,
        to: after.phase,
        source: after.source,
        resources: placesText(after),
      },
    });
  };

  return {
    read: (service: string): Promise<OperatingState> => store.read(service),

    /** Called with every persisted execution change. Drills and never-approved requests change nothing. */
    async onExecution(execution: ExecutionRecord): Promise<void> {
      if (execution.kind === 'drill' || execution.state === 'pendingApproval') return;
      const plan = deps.getPlan();
      const service = plan.services[execution.service];
      if (!service) return;
      const approvedBy = await deps.approvedBy(execution);
      const written = await store.update(execution.service, (previous) =>
        stateAfter({
          previous,
          execution,
          steps: movingSteps(plan, execution),
          approvedBy,
          regions: { primary: service.primaryRegion, recovery: service.recoveryRegion },
          now: clock.now(),
        }),
      );
      await changed(written, 'lifeboat', execution.id);
    },

    /** Replication back measured while running in the recovery Region. */
    async onProtection(service: string, measured: { readonly ready: boolean; readonly text: string }) {
      const written = await store.update(service, (prev) =>
        prev ? stateWithProtection(prev, measured, clock.now()) : undefined,
      );
      await changed(written, 'lifeboat');
    },

    /**
     * What AWS shows (where the service's data is written) compared with the record. A difference is kept on
     * the item as drift and audited once; the recorded phase is never changed by it. Agreement clears it.
     */
    async onObserved(
      service: string,
      observed: 'primary' | 'recovery',
      why: string,
    ): Promise<Drift | undefined> {
      let found: Drift | undefined;
      const written = await store.update(service, (prev) => {
        if (!prev) return undefined;
        const drift = driftOf(prev, observed, why, clock.now());
        found = drift;
        if (!drift) return prev.drift ? withoutDrift(prev, clock.now()) : undefined;
        if (prev.drift?.observed === drift.observed) {
          found = prev.drift;
          return undefined;
        }
        return { ...prev, drift, updatedAtMs: clock.now() };
      });
      if (written?.after.drift && written.after.drift !== written.before?.drift)
        await audit.append({
          type: 'state.drift',
          actor: 'lifeboat',
          service,
          details: { recorded: written.after.phase, observed, text: written.after.drift.text },
        });
      return found;
    },

    /**
     * At start-up, for each service with no state item: normal in the primary Region when Lifeboat never moved
     * it, else where its last completed move on record left it. Audited; an existing item is never touched.
     */
    async initialise(): Promise<void> {
      const plan = deps.getPlan();
      for (const [name, service] of Object.entries(plan.services)) {
        const last = await deps.lastMove(name);
        const now = clock.now();
        const written = await store.update(name, (prev) =>
          prev
            ? undefined
            : {
                service: name,
                phase: last?.kind === 'failover' ? 'running-in-recovery-unprotected' : 'normal-in-primary',
                primaryRegion: service.primaryRegion,
                recoveryRegion: service.recoveryRegion,
                sinceMs: last?.finishedAtMs ?? now,
                resources: {},
                source: 'initialised',
                updatedAtMs: now,
              },
        );
        if (written)
          await audit.append({
            type: 'state.initialised',
            actor: 'lifeboat',
            service: name,
            details: {
              phase: written.after.phase,
              basis: last ? `the last completed ${last.kind} on record` : 'no failover or failback on record',
            },
          });
      }
    },
  };
}

export type StateRecorder = ReturnType<typeof createStateRecorder>;

const withoutDrift = (s: ServiceStateRecord, now: number): ServiceStateRecord => {
  const { drift: _drift, ...rest } = s;
  return { ...rest, updatedAtMs: now };
};

/** Where the record says the data is written, compared with AWS. Undefined when they agree. */
export function driftOf(
  s: ServiceStateRecord,
  observed: 'primary' | 'recovery',
  why: string,
  now: number,
): Drift | undefined {
  const observedRegion = observed === 'primary' ? s.primaryRegion : s.recoveryRegion;
  if (s.phase === 'failing-over' || s.phase === 'failing-back') {
    // A partial move: the record lists which resources moved; AWS showing either side is expected.
    return undefined;
  }
  const recorded = s.phase === 'normal-in-primary' ? 'primary' : 'recovery';
  if (recorded === observed) return undefined;
  const text =
    observed === 'recovery'
      ? `Recorded: running in ${s.primaryRegion}; AWS shows data written in ${observedRegion} (${why}). Someone may have failed over by hand. Check the databases and DNS; if the service did move, run /dr failback when ready, or move it back by hand.`
      : `Recorded: running in ${s.recoveryRegion}; AWS shows data written in ${observedRegion} (${why}). Someone may have failed back by hand. Check the databases and DNS before any failover or failback.`;
  return { detectedAtMs: now, observed, text };
}
