import type { Message } from '../../blocks/failover/format.js';
import {
  currentStateMessage,
  decisionMessage,
  outcomeDm,
  refusalMessage,
  stepFailedMessage,
} from '../../blocks/failover/messages.js';
import { checkStepDecision, describeState } from './policy.js';
import { type FailoverSlackDeps, type SlackKit, title, what } from './slack-shared.js';
import type { Execution, StepDecision } from './types.js';

/** A running execution in Slack: decisions on a paused step, and what each change tells whom. */
export function createProgressActions(deps: FailoverSlackDeps, kit: SlackKit) {
  const { requests, cards, logger } = deps;
  const { safely, notice, dm } = kit;
  const started = new Set<string>();
  const failuresTold = new Set<string>();
  const finished = new Set<string>();

  return {
    /** Retry / Skip / Abort on a paused failover: approvers only, conditional in the runner. */
    async decide(input: {
      readonly executionId: string;
      readonly decision: StepDecision;
      readonly userId: string;
    }): Promise<Message> {
      const { execution } = await requests.load(input.executionId);
      const isApprover = execution
        ? await deps.approvers.isApprover(deps.getPlan(), execution.service, input.userId)
        : false;
      const verdict = checkStepDecision({ execution, userId: input.userId, isApprover });
      if (!verdict.ok) {
        await deps.audit.append({
          type: verdict.auditType,
          actor: input.userId,
          ...(execution ? { service: execution.service, executionId: execution.id } : {}),
          details: {
            requestId: input.executionId,
            action: input.decision,
            code: verdict.code,
            reason: verdict.message,
          },
        });
        return refusalMessage(verdict.message);
      }
      try {
        await deps.runner.decide(input.executionId, input.decision, input.userId);
      } catch (error) {
        const current = await requests.load(input.executionId);
        logger.info(
          { err: error, executionId: input.executionId },
          'step decision lost or refused by the runner',
        );
        return current.execution?.state === 'pausedByFailedStep'
          ? refusalMessage(`The runbook refused: ${error instanceof Error ? error.message : String(error)}`)
          : currentStateMessage(current.execution?.state);
      }
      await cards.refresh(input.executionId);
      return decisionMessage(
        input.decision === 'retry' ? 'Retry' : input.decision === 'skip' ? 'Skip' : 'Abort',
      );
    },

    /** The runbook engine's `onChange`: progress card, failure replies, stakeholder notices, requester DM. */
    async onChange(execution: Execution): Promise<void> {
      await safely('slot release', () => requests.releaseIfFinished(execution));
      await cards.refresh(execution.id);
      const { request } = await requests.load(execution.id);
      if (execution.state === 'running' && !started.has(execution.id)) {
        started.add(execution.id);
        void safely('stakeholder notice', () =>
          notice('started', execution, `${title(execution)} of ${execution.service} started.`),
        );
      }
      for (const [stepId, step] of Object.entries(execution.steps)) {
        const key = `${execution.id}:${stepId}:${step.attempts}`;
        if (step.state !== 'failed' || failuresTold.has(key)) continue;
        failuresTold.add(key);
        const thread = request?.threadTs ?? request?.messageTs;
        if (request && thread) {
          const reply = stepFailedMessage(stepId, step.error, step.attempts, what(execution));
          await safely('failure reply', () =>
            deps.client.chat.postMessage({
              channel: request.channel,
              thread_ts: thread,
              text: reply.text,
              blocks: reply.blocks,
            }),
          );
        }
        void safely('stakeholder notice', () =>
          notice(
            'failed',
            execution,
            `${title(execution)} of ${execution.service}: step ${stepId} failed (${step.error ?? 'no detail'}); paused for a decision.`,
          ),
        );
      }
      if ((execution.state === 'completed' || execution.state === 'aborted') && !finished.has(execution.id)) {
        finished.add(execution.id);
        const completed = execution.state === 'completed';
        void safely('stakeholder notice', () =>
          notice(
            completed ? 'completed' : 'failed',
            execution,
            `${title(execution)} of ${execution.service} ${describeState(execution.state)}.`,
          ),
        );
        await dm(
          execution.requestedBy,
          outcomeDm(
            execution.service,
            describeState(execution.state),
            execution.abortSummary?.text,
            what(execution),
          ),
        );
      }
    },
  };
}
