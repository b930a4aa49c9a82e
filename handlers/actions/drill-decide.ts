import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { drillNotice } from '../../blocks/drills/card.js';
import type { DrillFeature } from '../../src/drills/feature.js';
import type { Logger } from '../../src/logger.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type DrillDecision = 'approve' | 'decline' | 'keep' | 'cleanup';

/**
 * The drill card's buttons. The server decides from stored state: approval follows the drill's own rule,
 * Keep postpones cleanup by another period, Clean up now makes it due (approvers only, audited before they
 * take effect); the person sees a refusal plainly.
 */
export function makeDrillDecision(
  deps: { readonly drills: DrillFeature; readonly logger: Logger },
  decision: DrillDecision,
) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const id = action.value ?? '';
    const userId = body.user.id;
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...drillNotice(text) }).catch(
        (error: unknown) => deps.logger.warn({ err: error }, 'could not answer a drill button'),
      );
    try {
      if (decision === 'approve' || decision === 'decline') {
        const out =
          decision === 'approve'
            ? await deps.drills.requests.approve(id, userId)
            : await deps.drills.requests.decline(id, userId);
        if (out.kind === 'refused') {
          await tell(out.message);
          return;
        }
        await deps.drills.refresh(id);
        if (out.kind === 'started') deps.drills.driveLater(id);
        return;
      }
      const out = await deps.drills.decisions.decide(id, userId, decision);
      if (out.kind === 'refused') {
        await tell(out.message);
        return;
      }
      await deps.drills.refresh(id);
      if (decision === 'cleanup') deps.drills.driveLater(id);
      if (out.unaudited)
        await tell(
          ':warning: Done under its audited intent, but the audit log could not record the outcome entry.',
        );
    } catch (error) {
      deps.logger.error({ err: error, drill: id }, `drill ${decision} failed`);
      await tell(`:x: ${decision} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
