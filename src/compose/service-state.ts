import { createServiceStateStore } from '../adapters/store/service-state.js';
import type { Clock } from '../domain/clock.js';
import { createMoveStore } from '../failback/moves.js';
import type { Plan } from '../plan/load.js';
import { createStateRecorder, type StateRecorder } from '../state/recorder.js';
import type { State } from './state.js';

/**
 * The operating state of each service (src/state/): its store, and the recorder the runbook engine, the
 * failback check and readiness report to. `onChanged` is told the service of every written change.
 */
export function wireServiceState(deps: {
  readonly state: State;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly onChanged?: (service: string) => void;
}): StateRecorder {
  const { state } = deps;
  const moves = createMoveStore(state.documents, state.tableName);
  return createStateRecorder({
    store: createServiceStateStore(state.documents, state.tableName, deps.clock),
    audit: state.audit,
    getPlan: deps.getPlan,
    clock: deps.clock,
    approvedBy: async (execution) => [
      ...new Set(
        (await state.stores.approvals.list(execution.id))
          .filter((a) => a.decision === 'approve' && a.userId !== execution.requestedBy)
          .map((a) => a.userId),
      ),
    ],
    lastMove: (service) => moves.last(service),
    ...(deps.onChanged ? { onChanged: deps.onChanged } : {}),
  });
}
