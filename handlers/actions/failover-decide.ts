import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseStepDecisionValue } from '../../blocks/failover/card.js';
import type { StepDecision } from '../../src/approval/index.js';
import type { FailoverHandlerDeps } from '../commands/failover.js';
import { answerInBackground } from './failover-tell.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Retry / Skip / Abort on a paused progress card: approvers only, bound to the step and attempt the card
 * showed (an outdated card is refused and refreshed), conditional on the execution's version.
 */
export function makeStepDecisionButton(deps: FailoverHandlerDeps, decision: StepDecision) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const { id, stepId, attempt } = parseStepDecisionValue(action.value);
    await answerInBackground(
      deps,
      respond,
      decision === 'retry' ? 'Retry' : decision === 'skip' ? 'Skip' : 'Abort',
      () => deps.slack.decide({ executionId: id, decision, userId: body.user.id, stepId, attempt }),
    );
  };
}
