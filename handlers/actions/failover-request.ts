import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { openRequestModal } from '../../src/approval/index.js';
import { type FailoverHandlerDeps, refuseRequester } from '../commands/failover.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** "Request failover" on a readiness or alarm card (value: the service): the request modal, for approvers. */
export function makeRequestFailoverButton(deps: FailoverHandlerDeps) {
  return async ({ ack, action, body, client, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const service = action.value ?? '';
    const channel = body.channel?.id ?? deps.getPlan().services[service]?.channel ?? '';
    try {
      const refusal = await refuseRequester(deps, service, body.user.id, channel);
      if (refusal) {
        await respond({ response_type: 'ephemeral', replace_original: false, ...refusal });
        return;
      }
      await openRequestModal(deps, client, { service, channel, triggerId: body.trigger_id });
    } catch (error) {
      deps.logger.error({ err: error, service }, 'could not open the failover request modal');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `:x: Could not open the failover request: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  };
}
