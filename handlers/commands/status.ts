import {
  checkFailedMessage,
  checkingMessage,
  unknownServiceMessage,
} from '../../blocks/readiness/messages.js';
import { type Message, serviceStatusMessage } from '../../blocks/readiness/service.js';
import { statusSummaryMessage } from '../../blocks/readiness/summary.js';
import type { DrillStanding } from '../../src/drills/standing.js';
import type { Logger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import { UnknownServiceError } from '../../src/readiness/errors.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import type { JobStatus } from '../../src/scheduler/types.js';
import type { Subcommand } from './subcommand.js';

export interface StatusCommandDeps {
  readonly readiness: ReadinessService;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
  /** When each scheduled job last ran and runs next (shown under the all-services summary). */
  readonly schedule?: () => Promise<readonly JobStatus[]>;
  /** The latest drill of a service and whether one passed within its interval (the drills feature's `standing`). */
  readonly drills?: (service: string) => Promise<DrillStanding>;
}

/**
 * The readiness card for one service, or the summary of all services when `service` is undefined. Never
 * throws: an unknown service or a failed run becomes a message for the person who asked. Shared with the
 * Re-check button (`fresh: true`).
 */
export async function readinessMessage(
  deps: StatusCommandDeps,
  service: string | undefined,
  options: { readonly fresh?: boolean } = {},
): Promise<Message> {
  const drill = (name: string) =>
    deps.drills?.(name).catch((error: unknown) => {
      deps.logger.warn({ err: error, service: name }, 'could not read drill results');
      return undefined;
    });
  try {
    if (service === undefined) {
      const names = Object.keys(deps.getPlan().services);
      const [results, schedule, drills] = await Promise.all([
        deps.readiness.checkAll(options),
        deps.schedule?.().catch((error: unknown) => {
          deps.logger.warn({ err: error }, 'could not read the schedule');
          return [];
        }) ?? [],
        Promise.all(names.map(drill)),
      ]);
      return statusSummaryMessage(
        results,
        schedule,
        drills.filter((d) => d !== undefined),
      );
    }
    const [result, standing] = await Promise.all([deps.readiness.check(service, options), drill(service)]);
    return serviceStatusMessage(result, standing);
  } catch (error) {
    if (error instanceof UnknownServiceError) return unknownServiceMessage(error.service, error.known);
    deps.logger.error({ err: error, service }, 'readiness check failed');
    return checkFailedMessage(error instanceof Error ? error.message : String(error));
  }
}

/**
 * `/dr status [service]`. Answers ephemerally: readiness is a question one person asks, often repeatedly, and
 * the card has a Re-check button; posting it in channel would be noise. Says "checking…" at once, then
 * replaces that message with the card.
 */
export function makeStatusCommand(deps: StatusCommandDeps): Subcommand {
  return async (ctx) => {
    const service = ctx.args[0];
    const services = Object.keys(deps.getPlan().services);
    if (service !== undefined && !services.includes(service)) {
      await ctx.respond({ response_type: 'ephemeral', ...unknownServiceMessage(service, services) });
      return;
    }
    await ctx.respond({ response_type: 'ephemeral', ...checkingMessage(service) });
    const message = await readinessMessage(deps, service);
    await ctx.respond({ response_type: 'ephemeral', replace_original: true, ...message });
  };
}
