import type { App } from '@slack/bolt';
import { makeAuditCommand } from '../../handlers/commands/audit.js';
import { makeDrillCommand } from '../../handlers/commands/drill.js';
import { makeFailbackCommand } from '../../handlers/commands/failback.js';
import { makeFailoverCommand } from '../../handlers/commands/failover.js';
import { makeReportCommand } from '../../handlers/commands/report.js';
import { makeStatusCommand } from '../../handlers/commands/status.js';
import { register } from '../../handlers/index.js';
import type { AlarmSystem } from '../alarms/system.js';
import { awaitingApprovalOf } from '../approval/awaiting.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { InFlight } from '../domain/inflight.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import type { createReportStore } from '../report/store.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { AuditGuard } from './audit-guard.js';
import type { Operations } from './operations.js';

/** The Slack surface: `/dr` and its subcommands, the interactive handlers and App Home. */
export function wireCommands(
  app: App,
  deps: {
    readonly audit: AuditLog;
    readonly auditGuard: AuditGuard;
    readonly readiness: ReadinessService;
    readonly scheduler: Scheduler;
    readonly alarms: AlarmSystem;
    readonly ops: Operations;
    readonly getPlan: () => Plan;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly inflight: InFlight;
    /** Stored recovery reports, listed by `/dr report`. */
    readonly recoveryReports: ReturnType<typeof createReportStore>;
  },
): void {
  const { audit, auditGuard, readiness, scheduler, alarms, ops, getPlan, clock, logger } = deps;
  register(app, {
    logger,
    getPlan,
    inflight: deps.inflight,
    readiness,
    subcommands: {
      status: makeStatusCommand({
        readiness,
        getPlan,
        logger,
        schedule: () => scheduler.status(),
        drills: (service) => ops.drills.standing(service),
      }),
      audit: makeAuditCommand({
        audit,
        getPlan,
        logger,
        clock,
        ...(auditGuard.archive ? { archive: auditGuard.archive } : {}),
        tamperWatch: () => auditGuard.watch.status(),
      }),
      report: makeReportCommand({ audit, getPlan, logger, clock, recoveryReports: deps.recoveryReports }),
      failover: makeFailoverCommand(ops.failoverHandlers),
      drill: makeDrillCommand(ops.drillHandlers),
      failback: makeFailbackCommand(ops.failbackHandlers),
    },
    failover: ops.failoverHandlers,
    drills: ops.drillHandlers,
    failback: ops.failbackHandlers,
    recordCommand: async ({ userId, channelId, text }) => {
      await audit.append({
        type: 'command',
        actor: userId,
        channel: channelId,
        details: { text: `/dr ${text}`.trim() },
      });
    },
    incidents: { acknowledge: (incidentId, userId) => alarms.acknowledge(incidentId, userId) },
    home: {
      openIncidents: () => alarms.listOpenIncidents(),
      awaitingApproval: (userId) => awaitingApprovalOf(ops.failover, getPlan(), userId),
      drills: (service) => ops.drills.standing(service),
    },
  });
}
