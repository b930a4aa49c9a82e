import type { AwsClients } from '../adapters/aws/clients.js';
import type { Clock } from '../domain/clock.js';
import type { createMeasuredDurations } from '../drills/measured.js';
import { makeFailbackCheck } from '../failback/feature.js';
import { createMoveStore } from '../failback/moves.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { createAwsCheckers } from '../readiness/aws/index.js';
import { createReadinessEngine } from '../readiness/engine.js';
import { createReadinessService, type ReadinessService } from '../readiness/service.js';
import { createDirectedReadiness } from '../state/directed.js';
import { makeObserver } from '../state/observe.js';
import type { StateRecorder } from '../state/recorder.js';
import { wireServiceState } from './service-state.js';
import type { State } from './state.js';

export interface ReadinessParts {
  /** Readiness in the direction that applies now (fail over, or fail back from the recovery Region). */
  readonly readiness: ReadinessService;
  /** Where each service runs now (src/state/). */
  readonly serviceState: StateRecorder;
}

/**
 * Readiness and the operating state, wired together: a change of where a service runs drops its
 * cached readiness and tells `onServiceChanged` (the open incident's card measures again).
 */
export async function wireReadiness(deps: {
  readonly state: State;
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Measured step durations from drill results (readiness estimates). */
  readonly stepDurations: ReturnType<typeof createMeasuredDurations>;
  readonly onServiceChanged: (service: string) => void;
}): Promise<ReadinessParts> {
  const { state, aws, getPlan, clock, stepDurations } = deps;
  const forward = createReadinessService({
    engine: createReadinessEngine({
      checkers: createAwsCheckers(aws, { canary: { clock }, plan: getPlan }),
      clock,
      stepDurations,
    }),
    getPlan,
    clock,
  });
  const serviceState = wireServiceState({
    state,
    getPlan,
    clock,
    onChanged: (service) => {
      readiness.invalidate(service);
      deps.onServiceChanged(service);
    },
  });
  const readiness: ReadinessService = createDirectedReadiness({
    forward,
    failback: makeFailbackCheck({
      aws,
      getPlan,
      clock,
      lastMove: createMoveStore(state.documents, state.tableName).last,
    }),
    observe: makeObserver({ aws, getPlan, now: () => clock.now() }),
    state: serviceState,
    getPlan,
    clock,
    stepDurations,
  });
  await serviceState
    .initialise()
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not initialise the operating state'));
  return { readiness, serviceState };
}
