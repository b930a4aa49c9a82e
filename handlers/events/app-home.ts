import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HomeView } from '@slack/types';
import {
  readinessHomeErrorView,
  readinessHomeLoadingView,
  readinessHomeView,
} from '../../blocks/readiness/summary.js';
import type { Logger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { sortWorstFirst } from '../../src/readiness/service.js';

export interface AppHomeDeps {
  readonly readiness: ReadinessService;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
}

type AppHomeArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/**
 * `app_home_opened` (Home tab): publishes the readiness of every service. Cached results are shown at once;
 * otherwise a "checking…" view goes first and is replaced when the checks finish. A failure is shown in the
 * tab, not only logged.
 */
export function makeAppHomeOpened(deps: AppHomeDeps) {
  return async ({ event, client }: AppHomeArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    const publish = (view: HomeView) => client.views.publish({ user_id: event.user, view });
    const names = Object.keys(deps.getPlan().services);
    const cached = names.map((name) => deps.readiness.peek(name));
    if (cached.every((r): r is ServiceReadiness => r !== undefined)) {
      await publish(readinessHomeView(sortWorstFirst(cached)));
      return;
    }
    await publish(readinessHomeLoadingView());
    try {
      await publish(readinessHomeView(await deps.readiness.checkAll()));
    } catch (error) {
      deps.logger.error({ err: error }, 'App Home readiness failed');
      await publish(readinessHomeErrorView(error instanceof Error ? error.message : String(error)));
    }
  };
}
