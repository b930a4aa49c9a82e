import { failbackCard, type Message } from '../../blocks/failback/card.js';
import type { AwsClients } from '../../src/adapters/aws/clients.js';
import type { Clock } from '../../src/domain/clock.js';
import type { InFlight } from '../../src/domain/inflight.js';
import { checkFailbackReadiness, type FailbackSetup, type LastMove } from '../../src/failback/index.js';
import type { Logger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import type { Subcommand } from './subcommand.js';

export interface FailbackHandlerDeps {
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly setup: FailbackSetup;
  readonly logger: Logger;
  readonly lastMove?: LastMove;
  /**
   * Opens the planned switch back under the two-person rule (the failover request flow with kind
   * 'failback'); returns a message for the person when it cannot.
   */
  readonly requestFailback?: (input: {
    readonly service: string;
    readonly userId: string;
    readonly channel: string;
    readonly triggerId: string;
  }) => Promise<string | undefined>;
  /** Submission of the failback request modal: a planned request of kind 'failback' (authority re-checked). */
  readonly submitFailback?: (input: {
    readonly service: string;
    readonly reason: string;
    readonly userId: string;
  }) => Promise<Message>;
  /** Work that continues after the ack, so shutdown can wait for it. */
  readonly inflight?: InFlight;
}

const plain = (text: string): Message => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

/** The failback readiness card of a service, after tracking its setup steps; undefined service → usage. */
export async function failbackMessage(
  deps: FailbackHandlerDeps,
  service: string | undefined,
): Promise<Message> {
  const plan = deps.getPlan();
  const names = Object.keys(plan.services);
  const found =
    service !== undefined && Object.hasOwn(plan.services, service) ? plan.services[service] : undefined;
  if (!service || !found) return plain(`Usage: /dr failback <service>. Services: ${names.join(', ')}.`);
  const readiness = await checkFailbackReadiness({
    aws: deps.aws,
    service: { ...found, name: service },
    now: deps.clock.now(),
    ...(deps.lastMove ? { lastMove: deps.lastMove } : {}),
  });
  const setup = await deps.setup.track(readiness);
  return failbackCard(readiness, setup);
}

/**
 * `/dr failback <service>`: reverse replication readiness, setup offered, and the request once ready.
 * Answered ephemerally, like `/dr status`: it is a check one person runs, often repeatedly while replication
 * catches up, with buttons only approvers may use; the team sees what matters in the channel — the setup
 * steps in the audit log and the failback request card, posted in the channel once requested.
 */
export function makeFailbackCommand(deps: FailbackHandlerDeps): Subcommand {
  return async (ctx) => {
    await ctx.respond({
      response_type: 'ephemeral',
      ...plain(':hourglass_flowing_sand: Checking replication back to the primary Region…'),
    });
    const message = await failbackMessage(deps, ctx.args[0]);
    await ctx.respond({ response_type: 'ephemeral', replace_original: true, ...message });
  };
}
