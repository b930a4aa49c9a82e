import type { App } from '@slack/bolt';
import { ActionId } from '../../blocks/ids.js';
import type { HandlerDeps } from '../deps.js';
import { makeDrillDecision } from './drill-decide.js';
import { makeFailbackAction } from './failback-actions.js';
import { makeApproveButton } from './failover-approve.js';
import { makeStepDecisionButton } from './failover-decide.js';
import { makeDeclineButton } from './failover-decline.js';
import { makeDryRunButton } from './failover-dry-run.js';
import { makeRequestFailoverButton } from './failover-request.js';
import { makeIncidentAcknowledge } from './incident-acknowledge.js';
import { makeRecheck } from './readiness.js';

export function register(app: App, deps: HandlerDeps): void {
  if (deps.readiness) {
    const drills = deps.drills?.drills;
    const status = {
      readiness: deps.readiness,
      getPlan: deps.getPlan,
      logger: deps.logger,
      ...(drills ? { drills: (service: string) => drills.standing(service) } : {}),
    };
    app.action(ActionId.readinessRecheck, makeRecheck(status));
  }
  if (deps.failover) {
    const failover = deps.failover;
    app.action(ActionId.readinessDryRun, makeDryRunButton(failover));
    app.action(ActionId.readinessRequestFailover, makeRequestFailoverButton(failover));
    app.action(ActionId.failoverApprove, makeApproveButton(failover));
    app.action(ActionId.failoverDecline, makeDeclineButton(failover));
    app.action(ActionId.failoverRetry, makeStepDecisionButton(failover, 'retry'));
    app.action(ActionId.failoverSkip, makeStepDecisionButton(failover, 'skip'));
    app.action(ActionId.failoverAbort, makeStepDecisionButton(failover, 'abort'));
  }
  if (deps.drills) {
    const drills = { drills: deps.drills.drills, logger: deps.logger };
    app.action(ActionId.drillApprove, makeDrillDecision(drills, 'approve'));
    app.action(ActionId.drillDecline, makeDrillDecision(drills, 'decline'));
    app.action(ActionId.drillKeep, makeDrillDecision(drills, 'keep'));
    app.action(ActionId.drillCleanup, makeDrillDecision(drills, 'cleanup'));
  }
  if (deps.failback) {
    app.action(ActionId.failbackSetup, makeFailbackAction(deps.failback, 'setup'));
    app.action(ActionId.failbackRecheck, makeFailbackAction(deps.failback, 'recheck'));
    app.action(ActionId.failbackRequest, makeFailbackAction(deps.failback, 'request'));
    app.action(ActionId.failbackOpen, makeFailbackAction(deps.failback, 'open'));
  }
  if (deps.incidents) {
    const { acknowledge } = deps.incidents;
    app.action(ActionId.incidentAcknowledge, makeIncidentAcknowledge({ acknowledge, logger: deps.logger }));
  }
}
