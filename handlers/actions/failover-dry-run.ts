import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { unknownServiceMessage } from '../../blocks/failover/messages.js';
import { dryRunAnswer } from '../../src/approval/index.js';
import type { FailoverHandlerDeps } from '../commands/failover.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** "Dry-run" on a readiness card (value: the service): both modes' plans, ephemeral; nothing changes. */
export function makeDryRunButton(deps: FailoverHandlerDeps) {
  return async ({ ack, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const service = action.value ?? '';
    const plan = deps.getPlan();
    const message = Object.hasOwn(plan.services, service)
      ? await dryRunAnswer(deps, service)
      : unknownServiceMessage(service, Object.keys(plan.services));
    await respond({ response_type: 'ephemeral', replace_original: false, ...message });
  };
}
