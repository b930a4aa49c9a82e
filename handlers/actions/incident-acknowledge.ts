import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { escapeText } from '../../blocks/escape.js';
import type { AckResult } from '../../src/alarms/pipeline.js';
import type { Logger } from '../../src/logger.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export interface IncidentAcknowledgeDeps {
  readonly acknowledge: (incidentId: string, userId: string) => Promise<AckResult>;
  readonly logger: Logger;
}

/** Acknowledge on an incident card: records who (durably, audited); the card shows it when next edited. */
export function makeIncidentAcknowledge(deps: IncidentAcknowledgeDeps) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const incidentId = action.value ?? '';
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const result = await deps.acknowledge(incidentId, body.user.id);
      if (result.status === 'not_found') await say(`Incident \`${escapeText(incidentId)}\` was not found.`);
      else if (result.status === 'already')
        await say(`Already acknowledged by <@${escapeText(result.incident?.acknowledgedBy ?? '')}>.`);
      else
        await say(`You acknowledged incident \`${escapeText(incidentId)}\`; the card shows it in a moment.`);
    } catch (error) {
      deps.logger.error({ err: error, incidentId }, 'acknowledging an incident failed');
      await say(
        `Could not acknowledge the incident: ${escapeText(String((error as Error).message ?? error))}`,
      );
    }
  };
}
