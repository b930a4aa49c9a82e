import type { VersionedStore } from '../adapters/store/versioned.js';
import type { ExecutionRecord, IncidentRecord } from '../domain/records.js';
import type { DigestSources } from './digest-model.js';

const FINISHED = new Set<ExecutionRecord['state']>(['completed', 'aborted', 'declined', 'expired']);

/**
 * The digest's views of executions and incidents: the runbook's active-execution index read from its
 * store, and the alarm module's own listing of open incidents (`AlarmSystem.listOpenIncidents`).
 */
export function storeDigestSources(deps: {
  readonly executions: Pick<VersionedStore<ExecutionRecord>, 'get'>;
  readonly activeExecutionIds: () => Promise<readonly string[]>;
  readonly openIncidents: () => Promise<readonly IncidentRecord[]>;
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
      const incidents = await deps.openIncidents();
      return incidents
        .filter((i) => i.state === 'open')
        .map((i) => ({
          id: i.id,
          // Alarms that match no rule share one incident, shown under this name.
          service: i.unrouted ? 'unrouted alarms' : i.service,
          openedAtMs: i.openedAtMs,
          title: Object.keys(i.alarms).slice(0, 3).join(', ') || i.id,
        }));
    },
  };
}
