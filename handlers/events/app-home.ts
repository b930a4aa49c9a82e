import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HomeView } from '@slack/types';
import { type AwaitingApproval, appHomeView, type HomeExtras } from '../../blocks/readiness/home.js';
import { readinessHomeErrorView, readinessHomeLoadingView } from '../../blocks/readiness/summary.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import type { DrillStanding } from '../../src/drills/standing.js';
import type { Logger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { sortWorstFirst } from '../../src/readiness/service.js';

/** What App Home reads besides readiness (ports from the composition root; each optional). */
export interface AppHomeSources {
  readonly openIncidents?: () => Promise<readonly IncidentRecord[]>;
  /** Requests the viewer may approve: not their own, and they are an approver of the service (checked here too). */
  readonly awaitingApproval?: (userId: string) => Promise<readonly AwaitingApproval[]>;
  readonly drills?: (service: string) => Promise<DrillStanding>;
}

export interface AppHomeDeps extends AppHomeSources {
  readonly readiness: ReadinessService;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
}

type AppHomeArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Incidents, requests awaiting the viewer and last drills; a part that fails says so instead of vanishing. */
async function extrasFor(
  deps: AppHomeDeps,
  userId: string,
  services: readonly string[],
): Promise<HomeExtras> {
  const [incidents, awaiting, drills] = await Promise.all([
    deps.openIncidents?.().catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'App Home: open incidents could not be read');
      return { error: `open incidents (${why(error)})` };
    }),
    deps.awaitingApproval?.(userId).then(
      (list) => list.filter((a) => services.includes(a.service)),
      (error: unknown) => {
        deps.logger.warn({ err: error }, 'App Home: pending requests could not be read');
        return { error: `requests awaiting approval (${why(error)})` };
      },
    ),
    deps.drills
      ? Promise.all(
          services.map((s) =>
            (deps.drills as NonNullable<AppHomeDeps['drills']>)(s).catch((error: unknown) => {
              deps.logger.warn({ err: error, service: s }, 'App Home: drill standing could not be read');
              return undefined;
            }),
          ),
        )
      : undefined,
  ]);
  const standing = new Map<string, DrillStanding>();
  for (const d of drills ?? []) if (d) standing.set(d.service, d);
  return {
    ...(incidents ? { incidents } : {}),
    ...(awaiting ? { awaiting } : {}),
    ...(drills ? { drills: standing } : {}),
  };
}

/**
 * `app_home_opened` (Home tab): per service, where it runs and its readiness, its open incidents, requests
 * awaiting the viewer's approval and its last drill. Cached readiness is shown at once; otherwise a
 * "checking…" view goes first and is replaced when the checks finish. A failure is shown in the tab.
 */
export function makeAppHomeOpened(deps: AppHomeDeps) {
  return async ({ event, client }: AppHomeArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    const publish = (view: HomeView) => client.views.publish({ user_id: event.user, view });
    const names = Object.keys(deps.getPlan().services);
    const extras = extrasFor(deps, event.user, names);
    const cached = names.map((name) => deps.readiness.peek(name));
    if (cached.every((r): r is ServiceReadiness => r !== undefined)) {
      await publish(appHomeView(sortWorstFirst(cached), await extras));
      return;
    }
    await publish(readinessHomeLoadingView());
    try {
      const results = await deps.readiness.checkAll();
      await publish(appHomeView(results, await extras));
    } catch (error) {
      deps.logger.error({ err: error }, 'App Home readiness failed');
      await publish(readinessHomeErrorView(why(error)));
    }
  };
}
