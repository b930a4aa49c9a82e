import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';
import { makeAppHomeOpened } from './app-home.js';

export function register(app: App, deps: HandlerDeps): void {
  if (deps.readiness) {
    app.event(
      'app_home_opened',
      makeAppHomeOpened({
        readiness: deps.readiness,
        getPlan: deps.getPlan,
        logger: deps.logger,
        ...(deps.home ?? {}),
      }),
    );
  }
}
