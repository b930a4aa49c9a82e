import type { ServiceStateStore } from '../adapters/store/service-state.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Plan } from '../plan/load.js';
import { allSteps, routeFor } from '../runbook/stages.js';
import type { Observed } from './observed.js';
import { type MovingStep, splitResources, stateAfter, stateWithProtection } from './transitions.js';
import type { Drift, DriftFacet, OperatingState, ServiceStateRecord } from './types.js';

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
     * What AWS shows (the database writer, which Region DNS answers with, compute running) compared with the
     * record. A difference is kept on the item as drift and audited once (again only when what differs
     * changes); the recorded phase is never changed by it. A facet not observed this time keeps its earlier
     * note; agreement on every noted facet clears it.
     */
    async onObserved(service: string, observations: readonly Observed[]): Promise<Drift | undefined> {
      if (observations.length === 0) {
        const read = await store.read(service);
        return read.known ? read.state.drift : undefined;
      }
      let found: Drift | undefined;
      const written = await store.update(service, (prev) => {
        if (!prev) return undefined;
        const drift = driftOf(prev, observations, clock.now());
        found = drift;
        if (!drift) return prev.drift ? withoutDrift(prev, clock.now()) : undefined;
        if (driftKey(prev.drift) === driftKey(drift)) {
          found = prev.drift;
          return undefined;
        }
        return { ...prev, drift, updatedAtMs: clock.now() };
      });
      if (written?.after.drift && driftKey(written.after.drift) !== driftKey(written.before?.drift))
        await audit.append({
          type: 'state.drift',
          actor: 'lifeboat',
          service,
          details: {
            recorded: written.after.phase,
            observed: written.after.drift.observed,
            facets: (written.after.drift.facets ?? []).map((f) => f.facet),
            text: written.after.drift.text,
          },
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

/** What a drift note says differs (the side and which facets): the same key is not audited again. */
const driftKey = (d: Drift | undefined) =>
  d ? JSON.stringify([d.observed, (d.facets ?? []).map((f) => f.facet).sort()]) : '';

const DO: Record<'writer' | 'dns' | 'compute', (s: ServiceStateRecord, other: string) => string> = {
  writer: (s, other) =>
    s.phase === 'normal-in-primary'
      ? `Someone may have failed over by hand (data is written in ${other}). Check the databases and DNS; if the service did move, run /dr failback when ready, or move it back by hand.`
      : `Someone may have failed back by hand (data is written in ${other}). Check the databases and DNS before any failover or failback.`,
  dns: (s, other) =>
    s.phase === 'normal-in-primary'
      ? `DNS sends traffic to ${other}: Route 53 failed over on its own (the primary's health check failed) or someone changed the routing by hand. If ${s.primaryRegion} is impaired, request a failover so data and compute follow; else restore the health check or routing controls.`
      : `DNS sends traffic to ${other} while the service runs in ${s.recoveryRegion}: someone changed the routing by hand, or a health check or routing control flipped back. Check the health checks and routing controls before anything else.`,
  compute: (s) =>
    `Compute is not running where the service runs: start or launch the instances in ${s.phase === 'normal-in-primary' ? s.primaryRegion : s.recoveryRegion} (or find who stopped them).`,
};

/**
 * What AWS shows compared with the record, facet by facet (writer, dns: the side AWS shows; compute: how many
 * instances run on the recorded side). Undefined when they agree. During a failover or failback in flight
 * nothing is drift: the resources list already says which moved. Facets not observed this time keep the
 * earlier note.
 */
export function driftOf(
  s: ServiceStateRecord,
  observations: readonly Observed[],
  now: number,
): Drift | undefined {
  if (s.phase === 'failing-over' || s.phase === 'failing-back') return undefined;
  const recorded: 'primary' | 'recovery' = s.phase === 'normal-in-primary' ? 'primary' : 'recovery';
  const otherSide = recorded === 'primary' ? 'recovery' : 'primary';
  const regionOf = (side: 'primary' | 'recovery') =>
    side === 'primary' ? s.primaryRegion : s.recoveryRegion;
  const afterFailback = s.move?.kind === 'failback' && s.move.outcome === 'completed';
  const differs = observations.filter((o) =>
    o.facet === 'compute'
      ? o.side === recorded && o.running === 0
      : o.side !== recorded && !(o.weak && afterFailback),
  );
  const seen = new Set(observations.map((o) => o.facet));
  const kept = (s.drift?.facets ?? []).filter((f) => !seen.has(f.facet));
  // One entry per facet (e.g. both the routing controls and Route 53's health check say where DNS answers).
  const facets: DriftFacet[] = [
    ...kept,
    ...(['writer', 'dns', 'compute'] as const).flatMap((facet) => {
      const texts = differs.filter((o) => o.facet === facet).map((o) => o.text);
      return texts.length > 0 ? [{ facet, text: texts.join('; ') }] : [];
    }),
  ];
  if (facets.length === 0) return undefined;
  const observed = otherSide;
  const kinds = [...new Set(facets.map((f) => f.facet))];
  const text = [
    `Recorded: running in ${regionOf(recorded)}; AWS shows: ${facets.map((f) => f.text).join('; ')}.`,
    ...kinds.map((k) => DO[k](s, regionOf(observed))),
  ].join(' ');
  return { detectedAtMs: s.drift?.detectedAtMs ?? now, observed, facets, text };
}
