import type { App } from '@slack/bolt';
import { register as registerActions } from './actions/index.js';
import { register as registerCommands } from './commands/index.js';
import type { HandlerDeps } from './deps.js';
import { register as registerEvents } from './events/index.js';
import { register as registerViews } from './views/index.js';

/** Registers every Slack listener: one folder per listener kind, one listener per file. */
export function register(app: App, deps: HandlerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerEvents(app, deps);
  registerViews(app, deps);
}
