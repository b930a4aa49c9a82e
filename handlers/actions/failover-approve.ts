import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseApproveValue } from '../../blocks/failover/card.js';
import type { FailoverHandlerDeps } from '../commands/failover.js';
import { answerInBackground } from './failover-tell.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Approve on a request card. The button proves nothing: the server applies the whole two-person rule. */
export function makeApproveButton(deps: FailoverHandlerDeps) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const { id, digest } = parseApproveValue(action.value);
    await answerInBackground(deps, respond, 'Approval', () =>
      deps.slack.approve({ executionId: id, digest, userId: body.user.id }),
    );
  };
}
