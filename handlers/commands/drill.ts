import { drillNotice } from '../../blocks/drills/card.js';
import type { DrillFeature } from '../../src/drills/feature.js';
import type { Plan } from '../../src/plan/load.js';
import type { Subcommand } from './subcommand.js';

export interface DrillHandlerDeps {
  readonly drills: DrillFeature;
  readonly getPlan: () => Plan;
}

/**
 * `/dr drill <service> [reason]`: requests a non-disruptive drill. The card is posted in the channel; with
 * `drillApprovalsRequired: 0` the drill starts at once, otherwise when enough other approvers approve.
 */
export function makeDrillCommand(deps: DrillHandlerDeps): Subcommand {
  return async (ctx) => {
    const services = Object.keys(deps.getPlan().services);
    const [service, ...words] = ctx.args;
    if (!service) {
      await ctx.respond({
        response_type: 'ephemeral',
        ...drillNotice(`Usage: /dr drill <service> [reason]. Services: ${services.join(', ')}.`),
      });
      return;
    }
    const outcome = await deps.drills.requests.request({
      service,
      requestedBy: ctx.userId,
      // Started by a person: never labelled "scheduled" (Lifeboat schedules no drill; the digest says when one is due).
      reason: words.join(' ') || 'No reason given (requested with /dr drill)',
      channel: ctx.channelId,
    });
    if (outcome.kind === 'refused') {
      await ctx.respond({ response_type: 'ephemeral', ...drillNotice(outcome.message) });
      return;
    }
    if (outcome.kind === 'busy') {
      await ctx.respond({
        response_type: 'ephemeral',
        ...drillNotice(
          `A drill of ${service} is already ${outcome.drill ? `in state ${outcome.drill.state}` : 'starting'}; one drill per service at a time.`,
        ),
      });
      return;
    }
    await deps.drills.post(outcome.drill);
    if (outcome.kind === 'started') deps.drills.driveLater(outcome.drill.id);
  };
}
