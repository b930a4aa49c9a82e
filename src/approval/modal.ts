import type { WebClient } from '@slack/web-api';
import { dryRunMessage } from '../../blocks/failover/dry-run.js';
import type { Message } from '../../blocks/failover/format.js';
import { loadingModal, type ModeDryRun, requestModal } from '../../blocks/failover/modal.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import { approvalsNeeded } from './policy.js';
import { FAILOVER_MODES, type FailoverMode, type RunnerPort } from './types.js';

export interface ModalDeps {
  readonly runner: Pick<RunnerPort, 'dryRun'>;
  readonly readiness: Pick<ReadinessService, 'check'>;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Both modes' dry-runs; a mode that cannot be planned shows why instead. */
export async function bothDryRuns(deps: ModalDeps, service: string): Promise<ModeDryRun[]> {
  return Promise.all(
    FAILOVER_MODES.map(async (mode): Promise<ModeDryRun> => {
      try {
        return await deps.runner.dryRun(service, mode);
      } catch (error) {
        deps.logger.warn({ err: error, service, mode }, 'dry-run failed');
        return { mode, error: errorText(error) };
      }
    }),
  );
}

export async function dryRunAnswer(deps: ModalDeps, service: string): Promise<Message> {
  return dryRunMessage(service, await bothDryRuns(deps, service));
}

/**
 * Opens the request modal within the trigger's 3 s with a loading view, then measures readiness and
 * plans both modes and replaces it. Suggests unplanned when the primary is not measured healthy.
 */
export async function openRequestModal(
  deps: ModalDeps,
  client: WebClient,
  args: {
    readonly service: string;
    /** A request for several services, in the order they run (`service` is the first). */
    readonly services?: readonly string[];
    readonly channel: string;
    readonly triggerId: string;
  },
): Promise<void> {
  const plan = deps.getPlan();
  const service = plan.services[args.service];
  if (!service) throw new Error(`unknown service ${args.service}`);
  const metadata = {
    service: args.service,
    channel: args.channel,
    ...(args.services && args.services.length > 1 ? { services: args.services } : {}),
  };
  const opened = await client.views.open({ trigger_id: args.triggerId, view: loadingModal(metadata) });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error('Slack did not return the opened view');

  const [readiness, dryRuns] = await Promise.all([
    deps.readiness.check(args.service).then(
      (r) => ({ ok: true as const, r }),
      (error: unknown) => ({ ok: false as const, error: errorText(error) }),
    ),
    bothDryRuns(deps, args.service),
  ]);
  const suggestedMode: FailoverMode =
    readiness.ok && readiness.r.verdict !== 'unknown' && readiness.r.verdict !== 'not_ready'
      ? 'planned'
      : 'unplanned';
  const view = requestModal({
    service: args.service,
    ...(service.description ? { description: service.description } : {}),
    primaryRegion: service.primaryRegion,
    recoveryRegion: service.recoveryRegion,
    suggestedMode,
    ...(readiness.ok
      ? {
          readiness: {
            verdict: readiness.r.verdict,
            rpoTargetMs: readiness.r.rpo.targetMs,
            ...(readiness.r.rpo.estimate.ms === undefined ? {} : { lagMs: readiness.r.rpo.estimate.ms }),
          },
        }
      : { readinessError: readiness.error }),
    dryRuns,
    approvalsRequired: Math.max(
      ...(args.services ?? [args.service]).map((s) => approvalsNeeded(plan, s, 'someone')),
    ),
    requestTtlMs: plan.defaults.requestTtl,
    metadata,
  });
  await client.views.update({ view_id: viewId, view });
}
