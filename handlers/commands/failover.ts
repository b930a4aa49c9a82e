import { orderedDryRunMessage } from '../../blocks/failover/dry-run.js';
import type { Message } from '../../blocks/failover/format.js';
import { refusalMessage, unknownServiceMessage, usageMessage } from '../../blocks/failover/messages.js';
import {
  type ApproverDirectory,
  bothDryRuns,
  dryRunAnswer,
  type FailoverSlack,
  openRequestModal,
  type RunnerPort,
} from '../../src/approval/index.js';
import type { AuditLog } from '../../src/audit/types.js';
import type { InFlight } from '../../src/domain/inflight.js';
import type { Logger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import { recoveryOrder, waitsFor } from '../../src/plan/order.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { failoverRefusal } from '../../src/state/gate.js';
import type { OperatingState } from '../../src/state/types.js';
import type { Subcommand } from './subcommand.js';

/** What the failover listeners (command, buttons, modals) receive from the composition root. */
export interface FailoverHandlerDeps {
  readonly slack: FailoverSlack;
  readonly approvers: ApproverDirectory;
  readonly runner: Pick<RunnerPort, 'dryRun'>;
  readonly readiness: Pick<ReadinessService, 'check'>;
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
  readonly inflight: InFlight;
  /** Where each service runs now: a failover of a service in its recovery Region is refused before the modal. */
  readonly operatingState?: (service: string) => Promise<OperatingState>;
}

/**
 * Checks that the person may request a failover of the service before showing the modal (checked again on
 * submission). A refusal is audited as `auth.refused` and returned as the answer.
 */
export async function refuseRequester(
  deps: FailoverHandlerDeps,
  service: string,
  userId: string,
  channel: string,
): Promise<Message | undefined> {
  const plan = deps.getPlan();
  const services = Object.keys(plan.services);
  if (!Object.hasOwn(plan.services, service)) return unknownServiceMessage(service, services);
  const inRecovery = deps.operatingState && failoverRefusal(service, await deps.operatingState(service));
  if (inRecovery) return refusalMessage(inRecovery);
  if (await deps.approvers.isApprover(plan, service, userId)) return undefined;
  await deps.audit.append({
    type: 'auth.refused',
    actor: userId,
    service,
    channel,
    details: { action: 'request failover', reason: 'not an approver of the service' },
  });
  return refusalMessage(
    `You are not an approver of ${service} in the DR plan, so you cannot request its failover. Approvers can; anyone can see a dry-run with \`/dr failover ${service} --dry-run\`.`,
  );
}

/**
 * `/dr failover <service> <service>…`: one request for several services, run in `after:` order under one approval
 * (the requester must be an approver of each); with `--dry-run`, the order and each one's dry-run.
 */
async function orderedAnswer(
  deps: FailoverHandlerDeps,
  ctx: Parameters<Subcommand>[0],
  words: readonly string[],
  dryRun: boolean,
): Promise<Message | undefined> {
  const plan = deps.getPlan();
  const order = recoveryOrder(plan, words);
  if (!dryRun) {
    for (const service of order) {
      const refusal = await refuseRequester(deps, service, ctx.userId, ctx.channelId);
      if (refusal) return refusal;
    }
    await openRequestModal(deps, ctx.client, {
      service: order[0] as string,
      services: order,
      channel: ctx.channelId,
      triggerId: ctx.triggerId,
    });
    return undefined;
  }
  return orderedDryRunMessage(
    await Promise.all(
      order.map(async (service) => ({
        service,
        after: waitsFor(plan, order, service),
        dryRuns: await bothDryRuns(deps, service),
      })),
    ),
  );
}

/** `/dr failover <service> [--dry-run]`: the request modal, or the dry-run (ephemeral, changes nothing). */
export function makeFailoverCommand(deps: FailoverHandlerDeps): Subcommand {
  return async (ctx) => {
    const plan = deps.getPlan();
    const services = Object.keys(plan.services);
    const dryRun = ctx.args.includes('--dry-run');
    const words = ctx.args.filter((a) => a !== '--dry-run');
    const service = words[0];
    if (service === undefined || ctx.args.some((a) => a.startsWith('--') && a !== '--dry-run')) {
      await ctx.respond({ response_type: 'ephemeral', ...usageMessage(services) });
      return;
    }
    if (words.length > 1) {
      const unknown = words.find((w) => !Object.hasOwn(plan.services, w));
      const answer = unknown
        ? unknownServiceMessage(unknown, services)
        : await orderedAnswer(deps, ctx, words, dryRun);
      if (answer) await ctx.respond({ response_type: 'ephemeral', ...answer });
      return;
    }
    if (!Object.hasOwn(plan.services, service)) {
      await ctx.respond({ response_type: 'ephemeral', ...unknownServiceMessage(service, services) });
      return;
    }
    if (dryRun) {
      await ctx.respond({ response_type: 'ephemeral', ...(await dryRunAnswer(deps, service)) });
      return;
    }
    const refusal = await refuseRequester(deps, service, ctx.userId, ctx.channelId);
    if (refusal) {
      await ctx.respond({ response_type: 'ephemeral', ...refusal });
      return;
    }
    await openRequestModal(deps, ctx.client, { service, channel: ctx.channelId, triggerId: ctx.triggerId });
  };
}
