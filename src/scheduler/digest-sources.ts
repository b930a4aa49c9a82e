import type { VersionedStore } from '../adapters/store/versioned.js';
import type { ExecutionRecord, IncidentRecord } from '../domain/records.js';
import type { Plan } from '../plan/load.js';
import type { DigestSources } from './digest-model.js';

const FINISHED = new Set<ExecutionRecord['state']>(['completed', 'aborted', 'declined', 'expired']);

/**
 * The digest's views of executions and incidents, read from the stores the runbook and alarm
 * features keep: the runbook's active-execution index, and the alarm module's open-incident pointer
 * per service (its `ALARMOPEN#<service>` items, read through the same VersionedStore).
 */
export function storeDigestSources(deps: {
  readonly getPlan: () => Plan;
  readonly executions: Pick<VersionedStore<ExecutionRecord>, 'get'>;
  readonly activeExecutionIds: () => Promise<readonly string[]>;
  readonly incidents: Pick<VersionedStore<IncidentRecord>, 'get'>;
  readonly openIncidentPointers: Pick<VersionedStore<{ readonly incidentId: string }>, 'get'>;
}): DigestSources {
  return {
    async activeExecutions() {
      const ids = await deps.activeExecutionIds();
      const records = await Promise.all(ids.map((id) => deps.executions.get(id)));
      return records
        .filter((e): e is NonNullable<typeof e> => e !== undefined && !FINISHED.has(e.state))
        .map((e) => ({
          id: e.id,
          service: e.service,
          kind: e.kind,
          state: e.state,
          createdAtMs: e.createdAtMs,
        }))
        .sort((a, b) => a.createdAtMs - b.createdAtMs);
    },
    async openIncidents() {
      const services = Object.keys(deps.getPlan().services);
      const pointers = await Promise.all(services.map((s) => deps.openIncidentPointers.get(s)));
      const incidents = await Promise.all(
        pointers.map((p) => (p ? deps.incidents.get(p.incidentId) : Promise.resolve(undefined))),
      );
      return incidents
        .filter((i): i is NonNullable<typeof i> => i !== undefined && i.state === 'open')
        .map((i) => ({
          id: i.id,
          service: i.service,
          openedAtMs: i.openedAtMs,
          title: Object.keys(i.alarms).slice(0, 3).join(', ') || i.id,
        }));
    },
  };
}
