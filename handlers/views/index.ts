import type { App } from '@slack/bolt';
import { CallbackId } from '../../blocks/ids.js';
import type { HandlerDeps } from '../deps.js';
import { makeFailbackSubmission } from './failback-request.js';
import { makeDeclineSubmission } from './failover-decline.js';
import { makeRequestSubmission } from './failover-request.js';

export function register(app: App, deps: HandlerDeps): void {
  if (deps.failover) {
    app.view(CallbackId.failoverRequest, makeRequestSubmission(deps.failover));
    app.view(CallbackId.failoverDecline, makeDeclineSubmission(deps.failover));
  }
  if (deps.failback) app.view(CallbackId.failbackRequest, makeFailbackSubmission(deps.failback));
}
