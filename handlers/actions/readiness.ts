import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { readinessMessage, type StatusCommandDeps } from '../commands/status.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Re-check on a readiness card: skips the cache and replaces the card in place. */
export function makeRecheck(deps: StatusCommandDeps) {
  return async ({ ack, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const service = action.value || undefined;
    const message = await readinessMessage(deps, service, { fresh: true });
    await respond({ response_type: 'ephemeral', replace_original: true, ...message });
  };
}
