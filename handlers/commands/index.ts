import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';
import { makeDrCommand } from './dr.js';

export function register(app: App, deps: HandlerDeps): void {
  app.command('/dr', makeDrCommand(deps));
}
