import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { declineModal } from '../../blocks/failover/modal.js';
import type { FailoverHandlerDeps } from '../commands/failover.js';
import { answerInBackground } from './failover-tell.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Decline on a request card: opens the reason modal (the decision itself is checked on submission). */
export function makeDeclineButton(deps: FailoverHandlerDeps) {
  return async ({ ack, action, body, client, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const executionId = action.value ?? '';
    await answerInBackground(deps, respond, 'Decline', async () => {
      const refusal = await deps.slack.checkDecline({ executionId, userId: body.user.id });
      if (refusal) return refusal;
      const service = await deps.slack.serviceOf(executionId);
      await client.views.open({
        trigger_id: body.trigger_id,
        view: declineModal(executionId, service ?? ''),
      });
      return undefined;
    });
  };
}
