import type { Message } from '../../blocks/failover/format.js';
import { busyMessage, refusalMessage, requestPostedMessage } from '../../blocks/failover/messages.js';
import type { CreateOutcome } from './requests.js';
import { type FailoverSlackDeps, type SlackKit, title } from './slack-shared.js';
import { type FailoverMode, kindOf, LIFEBOAT_REQUESTER, type RequestKind } from './types.js';

/** Raising failover and failback requests: from a person's modal, or from an alarm. */
export function createRequestActions(deps: FailoverSlackDeps, kit: SlackKit) {
  const { requests, cards } = deps;
  const { safely, notice, where } = kit;

  /** The card's permalink (chat.getPermalink), or undefined: the confirmation then names the channel only. */
  const permalinkOf = async (channel: string, ts: string, requestId: string): Promise<string | undefined> => {
    try {
      return (await deps.client.chat.getPermalink({ channel, message_ts: ts })).permalink;
    } catch (error) {
      deps.logger.warn({ err: error, requestId }, 'could not get the permalink of the request card');
      return undefined;
    }
  };

  const afterCreate = async (outcome: CreateOutcome, requester: string): Promise<Message> => {
    if (outcome.kind === 'refused') return refusalMessage(outcome.refusal.message);
    if (outcome.kind === 'busy')
      return busyMessage(outcome.holder.service, {
        ...(outcome.execution
          ? {
              state: outcome.execution.state,
              requestedBy: outcome.execution.requestedBy,
              kind: outcome.execution.kind,
            }
          : {}),
      });
    const { request, execution } = outcome;
    const ts = await cards.post(request.id);
    // "Posted in #payments" links to the card itself (in the channel or the incident thread).
    const permalink = ts ? await permalinkOf(request.channel, ts, request.id) : undefined;
    void safely('stakeholder notice', () =>
      notice(
        'requested',
        execution,
        `${title(execution)} of ${request.service} requested by ${requester}: ${request.reason}`,
      ),
    );
    return requestPostedMessage(request.service, request.channel, kindOf(request), permalink);
  };

  return {
    /** A person's request from the modal; their authority is checked again here (the modal proves nothing). */
    async submitRequest(input: {
      readonly service: string;
      /** Several services under one request (failover only): the person must be an approver of each. */
      readonly services?: readonly string[];
      /** Default failover; a failback must be planned. */
      readonly kind?: RequestKind;
      readonly mode: FailoverMode;
      readonly reason: string;
      readonly userId: string;
    }): Promise<Message> {
      const plan = deps.getPlan();
      const kind = input.kind ?? 'failover';
      for (const service of input.services ?? [input.service]) {
        if (await deps.approvers.isApprover(plan, service, input.userId)) continue;
        await deps.audit.append({
          type: 'auth.refused',
          actor: input.userId,
          service,
          details: { action: `request ${kind}`, reason: 'not an approver of the service' },
        });
        return refusalMessage(
          `You are not an approver of ${service} in the DR plan, so you cannot request its ${kind}.`,
        );
      }
      const outcome = await requests.create({
        service: input.service,
        ...(input.services ? { services: input.services } : {}),
        ...(kind === 'failback' ? { kind } : {}),
        mode: input.mode,
        reason: input.reason,
        requestedBy: input.userId,
        source: 'slack',
        where: await where(input.service),
      });
      return afterCreate(outcome, `<@${input.userId}>`);
    },

    /**
     * For the alarm pipeline: an alarm whose plan rule has `autoRequestFailover: true` fired. Raises an
     * unplanned request by Lifeboat (two distinct human approvals needed), or finds the one already open.
     */
    async requestFromAlarm(input: {
      readonly service: string;
      readonly alarmName: string;
      readonly reason?: string;
      readonly incidentId?: string;
    }): Promise<CreateOutcome> {
      const outcome = await requests.create({
        service: input.service,
        mode: 'unplanned',
        reason: input.reason ?? `Alarm ${input.alarmName} is in ALARM.`,
        requestedBy: LIFEBOAT_REQUESTER,
        source: 'alarm',
        alarmName: input.alarmName,
        ...(input.incidentId ? { incidentId: input.incidentId } : {}),
        where: await where(input.service),
      });
      await afterCreate(outcome, 'Lifeboat');
      return outcome;
    },
  };
}
