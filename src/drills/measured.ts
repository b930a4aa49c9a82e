import type { Plan } from '../plan/load.js';
import type { RunbookEntry, Step } from '../plan/schema.js';
import type { StepDurations } from '../readiness/estimate.js';
import { createsResources } from './plan.js';
import type { DrillResultRecord, DrillStores } from './store.js';
import type { DrillResource, DrillStepKind } from './types.js';
import { FINAL_DRILL_STATES } from './types.js';

/**
 * Which failover step a drill step measures: the same operation on the same resource. EC2 launches from the
 * AMI copy as the failover does; S3 and DynamoDB checks read the replica as the failover's checks do. A
 * snapshot restore is not what a switchover or a replica promotion does, so database steps keep their
 * plan estimates.
 */
const SAME_OPERATION: Partial<Record<Step['kind'], DrillStepKind>> = {
  ec2: 'launch-ec2',
  s3: 'read-s3',
  'dynamodb-global-table': 'read-dynamodb',
};

const flatten = (entries: readonly RunbookEntry[]): Step[] =>
  entries.flatMap((e) => ('parallel' in e ? e.parallel : [e]));

export interface MeasuredDurations extends StepDurations {
  /** Loads the latest result of every service (at start-up). */
  refresh(): Promise<void>;
  /** Takes a newly stored result into account. */
  remember(result: DrillResultRecord): void;
  /** The latest drill result of a service, if any. */
  lastResult(service: string): DrillResultRecord | undefined;
}

/** The readiness estimate's StepDurations port, from stored drill results (newest per service). */
export function createMeasuredDurations(
  stores: Pick<DrillStores, 'results'>,
  getPlan: () => Plan,
): MeasuredDurations {
  const latest = new Map<string, DrillResultRecord>();
  const remember = (result: DrillResultRecord) => {
    const known = latest.get(result.service);
    if (!known || known.startedAtMs <= result.startedAtMs) latest.set(result.service, result);
  };
  return {
    latest(service, stepId) {
      const plan = getPlan();
      const entries = plan.services[service]?.runbook.failover ?? [];
      const step = flatten(entries).find((s) => s.id === stepId);
      const kind = step ? SAME_OPERATION[step.kind] : undefined;
      if (!step || !kind || !('resource' in step)) return undefined;
      const measured = latest
        .get(service)
        ?.steps.find((s) => s.kind === kind && s.resourceId === step.resource && s.state === 'ready');
      return measured?.rtoMs;
    },
    timeNote: (service) => latest.get(service)?.timeNote,
    async refresh() {
      for (const service of Object.keys(getPlan().services)) {
        const [newest] = await stores.results(service, 1);
        if (newest) remember(newest);
      }
    },
    remember,
    lastResult: (service) => latest.get(service),
  };
}

/**
 * Resources drills created that may still exist (every drill holding a slot that has not finished cleaning
 * up), for the daily digest: a crash or a Keep never leaves them unnoticed.
 */
export async function listDrillResources(
  stores: Pick<DrillStores, 'slots' | 'drills'>,
): Promise<DrillResource[]> {
  const out: DrillResource[] = [];
  for (const slot of await stores.slots()) {
    const drill = await stores.drills.get(slot.drillId);
    if (!drill || FINAL_DRILL_STATES.has(drill.state)) continue;
    for (const id of drill.order) {
      const step = drill.steps[id];
      if (!step || !createsResources(step.kind) || step.state === 'pending' || step.cleanedAtMs !== undefined)
        continue;
      for (const name of [...step.names, ...(step.created ?? [])])
        out.push({
          service: drill.service,
          resource: name,
          sinceMs: step.startedAtMs ?? drill.updatedAtMs,
          drillId: drill.id,
        });
    }
  }
  return out;
}
