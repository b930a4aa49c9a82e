import type { Message } from '../../blocks/failover/format.js';
import {
  approvalAlreadyMessage,
  approvalRecordedMessage,
  approvalUnauditedMessage,
  currentStateMessage,
  decisionMessage,
  outcomeDm,
  refusalMessage,
} from '../../blocks/failover/messages.js';
import { type FailoverSlackDeps, type SlackKit, title, what } from './slack-shared.js';
import type { Execution } from './types.js';

/** Deciding a pending request: approve (then start the runbook), decline, or expire it. */
export function createDecisionActions(deps: FailoverSlackDeps, kit: SlackKit) {
  const { requests, cards, logger } = deps;
  const { safely, notice, dm } = kit;
  const approving = new Set<string>();

  /** The requester's DM when their request expired (by the sweep or by the click that found it expired). */
  const tellExpired = (execution: Execution) =>
    dm(
      execution.requestedBy,
      outcomeDm(
        execution.service,
        'expired',
        'Nobody approved it in time; nothing was done.',
        what(execution),
      ),
    );

  const startRunbook = (execution: Execution) => {
    // Listed as active beside the runbook's lease and first read (it awaits the listing before marking the
    // execution running), so a failure before driving still leaves it to the takeover sweep.
    const work = (async () => {
      const [tracked, ran] = await Promise.allSettled([
        deps.runner.track(execution.id),
        deps.runner.run(execution.id),
      ]);
      if (tracked.status === 'rejected') throw tracked.reason;
      if (ran.status === 'rejected') throw ran.reason;
    })().catch(async (error: unknown) => {
      logger.error({ err: error, executionId: execution.id }, 'the runbook could not be driven');
      await cards.refresh(execution.id);
    });
    deps.inflight.track(work);
  };

  return {
    async approve(input: {
      readonly executionId: string;
      readonly digest: string | undefined;
      readonly userId: string;
    }): Promise<Message> {
      // A double click reaching this replica while the first click is being decided: one decision each.
      const key = `${input.executionId}:${input.userId}`;
      if (approving.has(key)) return currentStateMessage('being decided (your first click is in progress)');
      approving.add(key);
      const outcome = await requests
        .approve(input.executionId, input.userId, input.digest)
        .finally(() => approving.delete(key));
      switch (outcome.kind) {
        case 'refused':
          if (outcome.refusal.code === 'expired' || outcome.preconditions)
            await cards.refresh(input.executionId, outcome.preconditions);
          if (outcome.expiredNow) await tellExpired(outcome.expiredNow);
          return refusalMessage(outcome.refusal.message);
        case 'lost':
          return currentStateMessage(outcome.execution?.state);
        case 'unaudited':
          return approvalUnauditedMessage(outcome.approvers.length, outcome.needed);
        case 'already':
          return approvalAlreadyMessage(outcome.approvers.length, outcome.needed);
        case 'recorded':
          await cards.refresh(input.executionId, outcome.preconditions);
          return approvalRecordedMessage(outcome.approvers.length, outcome.needed);
        case 'approved': {
          const { execution } = outcome;
          // Audited and approved: the runbook starts now; the card edit (a Slack round trip) is not on
          // the path to its first AWS call. Card edits are serialised per request and render the latest record.
          startRunbook(execution);
          await cards.refresh(execution.id, outcome.preconditions);
          void safely('stakeholder notice', () =>
            notice(
              'approved',
              execution,
              `${title(execution)} of ${execution.service} approved by ${outcome.approvers.join(', ')}.`,
            ),
          );
          await dm(
            execution.requestedBy,
            outcomeDm(execution.service, 'approved', 'the runbook is starting.', what(execution), {
              label: 'Approved by',
              people: outcome.approvers,
            }),
          );
          return decisionMessage('Approval');
        }
      }
    },

    /** Refusal to show instead of the decline modal, if any. */
    async checkDecline(input: {
      readonly executionId: string;
      readonly userId: string;
    }): Promise<Message | undefined> {
      const refused = await requests.precheckDecline(input.executionId, input.userId);
      if (!refused) return undefined;
      if (refused.refusal.code === 'expired') await cards.refresh(input.executionId);
      if (refused.expiredNow) await tellExpired(refused.expiredNow);
      return refusalMessage(refused.refusal.message);
    },

    async serviceOf(executionId: string): Promise<string | undefined> {
      return (await requests.load(executionId)).request?.service;
    },

    async whereOf(executionId: string): Promise<{ channel: string; threadTs?: string } | undefined> {
      const { request } = await requests.load(executionId);
      if (!request) return undefined;
      const threadTs = request.threadTs ?? request.messageTs;
      return { channel: request.channel, ...(threadTs ? { threadTs } : {}) };
    },

    async decline(input: {
      readonly executionId: string;
      readonly userId: string;
      readonly reason: string;
    }): Promise<Message> {
      const outcome = await requests.decline(input.executionId, input.userId, input.reason);
      if (outcome.kind === 'refused') {
        if (outcome.refusal.code === 'expired') await cards.refresh(input.executionId);
        if (outcome.expiredNow) await tellExpired(outcome.expiredNow);
        return refusalMessage(outcome.refusal.message);
      }
      if (outcome.kind === 'lost') return currentStateMessage(outcome.execution?.state);
      await cards.refresh(input.executionId);
      await dm(
        outcome.execution.requestedBy,
        outcomeDm(outcome.execution.service, 'declined', input.reason, what(outcome.execution), {
          label: 'By',
          people: [input.userId],
        }),
      );
      return outcome.unaudited
        ? refusalMessage(
            'The request is declined under your audited intent, but the audit log could not record the outcome entry (the intent entry records your decision and reason).',
          )
        : decisionMessage('Decline');
    },

    /** The service's incident resolved: its automatic request goes stale (card edited), a person's is noted. */
    async incidentResolved(service: string, incidentId: string): Promise<void> {
      const changed = await requests.incidentResolved(service, incidentId);
      if (changed) await cards.refresh(changed.id);
    },

    /** The periodic sweep: expires requests past their deadline, edits their cards and tells the requesters. */
    async expireDue(): Promise<number> {
      const expired = await requests.expireDue();
      for (const execution of expired) {
        await cards.refresh(execution.id);
        await tellExpired(execution);
      }
      return expired.length;
    },
  };
}
