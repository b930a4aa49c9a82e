import type { AwsClients } from '../adapters/aws/clients.js';
import { clientsFor } from '../adapters/aws/roles.js';
import type { LeaseStore } from '../adapters/store/leases.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import { type Timeline, wallTimeline } from '../domain/timeline.js';
import type { Logger } from '../logger.js';
import { resolveBackups } from '../plan/backups.js';
import type { Plan } from '../plan/load.js';
import { drillSettingsOf } from './plan.js';
import { updateDrill } from './record.js';
import { type DrillExecutors, defaultDrillExecutors, type StepContext } from './steps/index.js';
import { errorName } from './steps/types.js';
import type { DrillStores } from './store.js';
import type { Drill, DrillRecord, DrillSettings, DrillStepRecord } from './types.js';

export interface DrillEngineDeps {
  readonly stores: DrillStores;
  readonly leases: LeaseStore;
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** How time to ready and data age are reckoned (default: wall clock; the sandbox: simulated AWS time). */
  readonly timeline?: Timeline;
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

/** An executor's error as recorded on a step: the AWS error name and its message. */
export const failureText = (error: unknown) =>
  `${errorName(error)}: ${error instanceof Error ? error.message : String(error)}`;

/** What the drill engine's phases share: the clock, persisted updates (with `onChange`), executor contexts. */
export function createEngineKit(deps: DrillEngineDeps) {
  const { stores, clock, logger } = deps;
  const executors = deps.executors ?? defaultDrillExecutors;
  const now = () => clock.now();
  const timeline = deps.timeline ?? wallTimeline;
  const cleanupAfter = (service: string) =>
    deps.getPlan().services[service]?.drill?.cleanupAfter ?? deps.cleanupAfterMs ?? 60 * 60_000;

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

  /** The executor's view of a step, or undefined when its service or resource left the plan. */
  const context = (drill: DrillRecord, step: DrillStepRecord): StepContext | undefined => {
    const plan = deps.getPlan();
    const service = Object.hasOwn(plan.services, drill.service) ? plan.services[drill.service] : undefined;
    const resource = service?.resources.find((r) => r.id === step.resourceId);
    if (!service || !resource) return undefined;
    const backups = resolveBackups(plan, drill.service, service);
    return {
      ...(backups ? { backups } : {}),
      drillId: drill.id,
      service: { ...service, name: drill.service },
      resource,
      step,
      clients: clientsFor(deps.aws, service, resource, `drill-${drill.id}`).forRegion(step.region),
      settings: deps.settings?.(drill.service) ?? drillSettingsOf(service),
      now,
      signal: () => AbortSignal.timeout(deps.callTimeoutMs ?? 30_000),
    };
  };

  return { executors, now, timeline, cleanupAfter, update, context };
}

export type EngineKit = ReturnType<typeof createEngineKit>;
