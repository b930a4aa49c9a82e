import type { WebClient } from '@slack/web-api';
import { failbackLoadingModal, failbackModal } from '../../blocks/failback/modal.js';
import type { ApproverDirectory } from '../approval/approvers.js';
import { approvalsNeeded } from '../approval/policy.js';
import type { RunnerPort } from '../approval/types.js';
import type { AuditLog } from '../audit/types.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { RunbookEntry } from '../plan/schema.js';
import type { NamedService } from '../runbook/executors/types.js';
import { entrySteps, runbookEntries } from '../runbook/stages.js';

export interface FailbackRequesterDeps {
  readonly client: WebClient;
  readonly runner: Pick<RunnerPort, 'dryRun'>;
  readonly approvers: ApproverDirectory;
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
}

export interface FailbackRequestInput {
  readonly service: string;
  readonly userId: string;
  readonly channel: string;
  readonly triggerId: string;
}

const ec2Steps = (entries: readonly RunbookEntry[]) =>
  entrySteps(entries).flatMap((s) => (s.kind === 'ec2' ? [s] : []));

/**
 * The ec2 resources whose recovery-Region compute the failover brings up and this failback does not stop
 * (no `stop-recovery` step for them in `runbook.failback`; the default failback never stops anything).
 */
export function computeLeftRunning(service: NamedService): string[] {
  const stopped = new Set(
    ec2Steps(runbookEntries(service, 'failback'))
      .filter((s) => s.action === 'stop-recovery')
      .map((s) => s.resource),
  );
  return [...new Set(ec2Steps(service.runbook.failover).map((s) => s.resource))].filter(
    (r) => !stopped.has(r),
  );
}

/**
 * "Request failback" once the failback check is green: for approvers of the service, opens the request modal
 * within the trigger's 3 s (loading view), then plans the failback runbook (read-only dry-run) and shows it.
 * Returns what to tell the person when it cannot (the request itself is made on submission).
 */
export function createFailbackRequester(deps: FailbackRequesterDeps) {
  return async (input: FailbackRequestInput): Promise<string | undefined> => {
    const plan = deps.getPlan();
    const service = Object.hasOwn(plan.services, input.service) ? plan.services[input.service] : undefined;
    if (!service) return `There is no service "${input.service}" in the DR plan.`;
    if (!(await deps.approvers.isApprover(plan, input.service, input.userId))) {
      await deps.audit.append({
        type: 'auth.refused',
        actor: input.userId,
        service: input.service,
        channel: input.channel,
        details: { action: 'request failback', reason: 'not an approver of the service' },
      });
      return `You are not an approver of ${input.service} in the DR plan, so you cannot request its failback.`;
    }
    const metadata = { service: input.service, channel: input.channel };
    const opened = await deps.client.views.open({
      trigger_id: input.triggerId,
      view: failbackLoadingModal(metadata),
    });
    const viewId = opened.view?.id;
    if (!viewId) throw new Error('Slack did not return the opened view');
    const dryRun = await deps.runner.dryRun(input.service, 'planned', 'failback').catch((error: unknown) => {
      deps.logger.warn({ err: error, service: input.service }, 'failback dry-run failed');
      return { error: error instanceof Error ? error.message : String(error) };
    });
    await deps.client.views.update({
      view_id: viewId,
      view: failbackModal({
        service: input.service,
        primaryRegion: service.primaryRegion,
        recoveryRegion: service.recoveryRegion,
        dryRun,
        approvalsRequired: approvalsNeeded(plan, input.service, input.userId),
        computeLeftRunning: computeLeftRunning({ ...service, name: input.service }),
        requestTtlMs: plan.defaults.requestTtl,
        metadata,
      }),
    });
    return undefined;
  };
}

export type RequestFailback = ReturnType<typeof createFailbackRequester>;
