import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { checkFailbackReadiness, offeredSetup } from '../../src/failback/index.js';
import { type FailbackHandlerDeps, failbackMessage } from '../commands/failback.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type FailbackAction = 'setup' | 'recheck' | 'request' | 'open';

/**
 * The failback card's buttons (value: the service). Setup re-measures first and runs only what is still
 * missing now; Request re-checks the gate before opening the request. Open (the Fail back button on a
 * completed failover's progress card) shows the failback card to the person who clicked, leaving the
 * progress card in place.
 */
export function makeFailbackAction(deps: FailbackHandlerDeps, kind: FailbackAction) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const service = action.value ?? '';
    const userId = body.user.id;
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => undefined);
    try {
      const plan = deps.getPlan();
      const found = Object.hasOwn(plan.services, service) ? plan.services[service] : undefined;
      if (!found) {
        await tell(`There is no service "${service}" in the DR plan.`);
        return;
      }
      if (kind === 'setup' || kind === 'request') {
        const readiness = await checkFailbackReadiness({
          aws: deps.aws,
          service: { ...found, name: service },
          now: deps.clock.now(),
          ...(deps.lastMove ? { lastMove: deps.lastMove } : {}),
        });
        if (kind === 'setup') {
          const out = await deps.setup.run(service, userId, offeredSetup(readiness));
          if (out.kind === 'refused') await tell(out.message);
        } else if (!readiness.ready) {
          await tell('Failback is not ready any more: see the re-checked card.');
        } else if (!deps.requestFailback) {
          await tell('Requesting the switch back is not available in this deployment yet; nothing was done.');
        } else {
          const channel = body.channel?.id ?? found.channel;
          const refused = await deps.requestFailback({
            service,
            userId,
            channel,
            triggerId: body.trigger_id,
          });
          if (refused) await tell(refused);
          return;
        }
      }
      await respond({
        response_type: 'ephemeral',
        replace_original: kind !== 'open',
        ...(await failbackMessage(deps, service)),
      });
    } catch (error) {
      deps.logger.error({ err: error, service }, `failback ${kind} failed`);
      await tell(`:x: failback ${kind} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
