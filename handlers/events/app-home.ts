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
  /** Least time between two progress views of one opening, ms (default 1,000). */
  readonly progressMs?: number;
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
 * "checking…" view goes first, then each service as its check finishes (at most one view a second, naming
 * the services still being checked), then the whole tab. During a Regional outage a service whose primary
 * Region does not answer can take many seconds to measure (its calls retry and time out); the others do
 * not wait for it. A failure is shown in the tab.
 */
export function makeAppHomeOpened(deps: AppHomeDeps) {
  return async ({ event, client }: AppHomeArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    // One view a second at most: views.publish is Tier 4, and a person reads, not a film.
    const progressMs = deps.progressMs ?? 1_000;
    const publish = (view: HomeView) => client.views.publish({ user_id: event.user, view });
    const names = Object.keys(deps.getPlan().services);
    const extras = extrasFor(deps, event.user, names);
    const results = new Map<string, ServiceReadiness>();
    for (const name of names) {
      const cached = deps.readiness.peek(name);
      if (cached) results.set(name, cached);
    }
    const view = async () =>
      appHomeView(sortWorstFirst([...results.values()]), {
        ...(await extras),
        checking: names.filter((n) => !results.has(n)),
      });
    if (results.size === names.length) {
      await publish(await view());
      return;
    }
    await publish(readinessHomeLoadingView());
    // Progress views go out one after another and the whole tab after them, so none lands after it. A
    // progress view that fails is logged and skipped: it never stands in for the tab.
    let progress: Promise<void> = Promise.resolve();
    let lastAt = Date.now();
    try {
      await Promise.all(
        names
          .filter((n) => !results.has(n))
          .map(async (name) => {
            results.set(name, await deps.readiness.check(name));
            if (results.size < names.length && Date.now() - lastAt >= progressMs) {
              lastAt = Date.now();
              progress = progress
                .then(async () => void (await publish(await view())))
                .catch((error: unknown) =>
                  deps.logger.warn({ err: error }, 'App Home: a progress view could not be published'),
                );
            }
          }),
      );
      await progress;
      await publish(await view());
    } catch (error) {
      deps.logger.error({ err: error }, 'App Home readiness failed');
      await progress;
      await publish(readinessHomeErrorView(why(error)));
    }
  };
}
