import type { Message } from '../../blocks/failover/format.js';
import {
  currentStateMessage,
  decisionMessage,
  refusalMessage,
  skipProposedMessage,
} from '../../blocks/failover/messages.js';
import { RunbookError } from '../runbook/types.js';
import { authorityOf } from './approvers.js';
import { auditIntent, auditOutcome } from './decision-audit.js';
import { checkStepDecision, type Refusal } from './policy.js';
import { skipVoteKey } from './skip-votes.js';
import type { FailoverSlackDeps } from './slack-shared.js';
import type { Execution, StepDecision } from './types.js';

const WORD: Record<StepDecision, string> = { retry: 'Retry', skip: 'Skip', abort: 'Abort' };

export interface StepDecisionInput {
  readonly executionId: string;
  readonly decision: StepDecision;
  readonly userId: string;
  /** The paused step and attempt the clicked card showed (from the button's value). */
  readonly stepId: string;
  readonly attempt: number;
}

const refusal = (code: Refusal['code'], message: string): Refusal => ({
  ok: false,
  code,
  message,
  auditType: 'approval.refused',
});

/** What the card showed vs what is paused now: a mismatch means the click was on an outdated card. */
function outdated(execution: Execution, input: StepDecisionInput): Refusal | undefined {
  const stepId = execution.pausedAtStep ?? '';
  const attempt = stepId ? (execution.steps[stepId]?.attempts ?? 0) : 0;
  if (input.stepId === stepId && input.attempt === attempt) return undefined;
  return refusal(
    'outdated-card',
    `This card was out of date: it showed step ${input.stepId || '(none)'} (attempt ${input.attempt}), but the failover is now paused on step ${stepId || '(none)'} (attempt ${attempt}). Nothing was done; the card is refreshed, decide on what it shows now.`,
  );
}

/**
 * Retry / Skip / Abort on a paused failover, bound to the step and attempt the card showed. Approvers only;
 * a skip needs an approver other than the requester, and a second one when the step is irreversible or a
 * verify step (the first click proposes, a different approver's click confirms). docs/approval.md.
 */
export function createStepDecisions(deps: FailoverSlackDeps) {
  const { requests, cards, logger, audit } = deps;

  const refuse = async (r: Refusal, input: StepDecisionInput, execution?: Execution) => {
    await audit.append({
      type: r.auditType,
      actor: input.userId,
      ...(execution ? { service: execution.service, executionId: execution.id } : {}),
      details: {
        requestId: input.executionId,
        action: input.decision,
        stepId: input.stepId,
        attempt: input.attempt,
        code: r.code,
        reason: r.message,
      },
    });
    if (r.code === 'outdated-card') await cards.refresh(input.executionId);
    return refusalMessage(r.message);
  };

  /** Records this person's agreement to skip (intent audited first) and returns everyone who agreed. */
  const voteSkip = async (execution: Execution, input: StepDecisionInput) => {
    const key = skipVoteKey(execution.id, input.stepId, input.attempt);
    const before = await deps.skipVotes.list(key);
    if (!before.some((v) => v.userId === input.userId)) {
      await auditIntent(audit, {
        decision: 'skip-proposal',
        actor: input.userId,
        service: execution.service,
        executionId: execution.id,
        details: { stepId: input.stepId, attempt: input.attempt },
      });
      await deps.skipVotes.record({
        executionId: key,
        userId: input.userId,
        decision: 'approve',
        atMs: deps.clock.now(),
        planHash: execution.planHash,
      });
    }
    const votes = await deps.skipVotes.list(key);
    return [...new Set(votes.map((v) => v.userId).filter((u) => u !== execution.requestedBy))];
  };

  return {
    async decide(input: StepDecisionInput): Promise<Message> {
      const { execution } = await requests.load(input.executionId);
      const authority = execution
        ? await authorityOf(deps.approvers, deps.getPlan(), execution.service, input.userId)
        : ({ kind: 'not-approver' } as const);
      const verdict = checkStepDecision({
        execution,
        userId: input.userId,
        isApprover: authority.kind === 'approver',
        ...(authority.kind === 'lookup-failed' ? { lookupFailed: authority } : {}),
      });
      if (!verdict.ok) return refuse(verdict, input, execution);
      const paused = execution as Execution;
      const stale = outdated(paused, input);
      if (stale) return refuse(stale, input, paused);
      if (input.decision === 'skip' && input.userId === paused.requestedBy)
        return refuse(
          refusal(
            'self-skip',
            'You requested this failover, so you cannot skip its steps: a different approver must.',
          ),
          input,
          paused,
        );
      const approvers = input.decision === 'skip' ? await voteSkip(paused, input) : undefined;
      try {
        const saved = (await deps.runner.decide(input.executionId, input.decision, input.userId, {
          stepId: input.stepId,
          attempt: input.attempt,
          ...(approvers ? { approvers } : {}),
        })) as { readonly outcomeAudited?: false } | undefined;
        await cards.refresh(input.executionId);
        if (saved?.outcomeAudited === false)
          return refusalMessage(
            `${WORD[input.decision]} took effect under its audited intent, but the audit log could not record its outcome entry.`,
          );
        return decisionMessage(WORD[input.decision]);
      } catch (error) {
        if (error instanceof RunbookError && error.code === 'second_approver') {
          await auditOutcome(
            audit,
            {
              type: 'step.skip.proposed',
              actor: input.userId,
              service: paused.service,
              executionId: paused.id,
              details: {
                requestId: paused.id,
                stepId: input.stepId,
                attempt: input.attempt,
                approvers: approvers ?? [],
              },
            },
            logger,
          );
          await cards.refresh(input.executionId);
          return skipProposedMessage(input.stepId);
        }
        if (error instanceof RunbookError && error.code === 'outdated') {
          await cards.refresh(input.executionId);
          return refusalMessage(`This card was out of date: ${error.message}. The card is refreshed.`);
        }
        if (!(error instanceof RunbookError)) throw error;
        const current = await requests.load(input.executionId);
        logger.info(
          { err: error, executionId: input.executionId },
          'step decision lost or refused by the runner',
        );
        return current.execution?.state === 'pausedByFailedStep'
          ? refusalMessage(`The runbook refused: ${error.message}`)
          : currentStateMessage(current.execution?.state);
      }
    },
  };
}
