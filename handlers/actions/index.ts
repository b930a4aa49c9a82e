import type { App } from '@slack/bolt';
import { ActionId } from '../../blocks/ids.js';
import type { HandlerDeps } from '../deps.js';
import { makeIncidentAcknowledge } from './incident-acknowledge.js';
import { makeComingWithRunbook, makeRecheck } from './readiness.js';

export function register(app: App, deps: HandlerDeps): void {
  if (deps.readiness) {
    const status = { readiness: deps.readiness, getPlan: deps.getPlan, logger: deps.logger };
    app.action(ActionId.readinessRecheck, makeRecheck(status));
  }
  app.action(ActionId.readinessDryRun, makeComingWithRunbook('dry-run'));
  app.action(ActionId.readinessRequestFailover, makeComingWithRunbook('failover'));
  if (deps.incidents) {
    const { acknowledge } = deps.incidents;
    app.action(ActionId.incidentAcknowledge, makeIncidentAcknowledge({ acknowledge, logger: deps.logger }));
  }
}
