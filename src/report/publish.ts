import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { ApprovalRecord, ExecutionRecord, IncidentRecord } from '../domain/records.js';
import { type Timeline, wallTimeline } from '../domain/timeline.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { allSteps, routeFor } from '../runbook/stages.js';
import { buildRecoveryReport, type ReportRoute } from './build.js';
import { sha256 } from './hash.js';
import { recoveryLine, recoveryReportMarkdown, reportFilename } from './markdown.js';
import type { ReportStore } from './store.js';
import type { HealthAtFinish, RecoveryReport } from './types.js';

/** Where a report is posted: the execution's request thread. */
export interface ReportThread {
  readonly channel: string;
  readonly threadTs?: string;
}

export interface ReportFile {
  readonly filename: string;
  readonly title: string;
  readonly content: string;
  /** Slack mrkdwn, escaped. */
  readonly comment: string;
}

export interface RecoveryReportsDeps {
  readonly store: ReportStore;
  readonly approvals: { list(executionId: string): Promise<ApprovalRecord[]> };
  readonly executions: { get(id: string): Promise<ExecutionRecord | undefined> };
  /** The request thread of an execution (its card), if it was posted. */
  readonly thread: (executionId: string) => Promise<ReportThread | undefined>;
  /** The service's open incident, whose alarms are the service's health alarms. */
  readonly openIncident: (service: string) => Promise<IncidentRecord | undefined>;
  /** Uploads the file into the thread (files.uploadV2). */
  readonly post: (where: ReportThread, file: ReportFile) => Promise<void>;
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly timeline?: Timeline;
  readonly logger: Logger;
  /** Escapes text for Slack mrkdwn (blocks/escape.ts in production). */
  readonly escape: (text: string) => string;
}

const FINISHED = new Set<ExecutionRecord['state']>(['completed', 'aborted']);

/**
 * The recovery report of each finished failover or failback: built from the stored records, archived with its
 * hash in the audit log, posted as a Markdown file in the request's thread. When the service's health alarms are
 * still in ALARM at the finish, the recovery time is not known yet; `incidentResolved` posts version 2 with it.
 */
export function createRecoveryReports(deps: RecoveryReportsDeps) {
  const timeline = deps.timeline ?? wallTimeline;
  const logger = deps.logger.child({ component: 'recovery-report' });

  const routeOf = (e: ExecutionRecord): ReportRoute => {
    const plan = deps.getPlan();
    const service = plan.services[e.service];
    const kind = e.kind === 'failback' ? 'failback' : 'failover';
    let steps: { id: string; kind: string }[] = [];
    try {
      steps = allSteps(routeFor(plan, e.service, kind));
    } catch {
      // The service or its runbook left the plan since: the record's own steps, sorted, without kinds.
    }
    const primary = service?.primaryRegion ?? '?';
    const recovery = service?.recoveryRegion ?? '?';
    return {
      sourceRegion: kind === 'failover' ? primary : recovery,
      targetRegion: kind === 'failover' ? recovery : primary,
      ...(service ? { rtoMs: service.rto, rpoMs: service.rpo } : {}),
      stepOrder: steps.map((s) => s.id),
      stepKinds: Object.fromEntries(steps.map((s) => [s.id, s.kind])),
    };
  };

  /** The service's health alarms when the runbook finished: its open incident's alarms in ALARM. */
  const healthNow = async (e: ExecutionRecord): Promise<HealthAtFinish> => {
    const service = deps.getPlan().services[e.service];
    if (!service || service.alarms.length === 0) return { kind: 'no-alarms' };
    const incident = await deps.openIncident(e.service);
    const alarming = Object.entries(incident?.alarms ?? {})
      .filter(([, a]) => a.state !== 'OK')
      .map(([name]) => name)
      .sort();
    return alarming.length === 0 ? { kind: 'ok-at-finish' } : { kind: 'pending', alarms: alarming };
  };

  /** The request an execution belongs to: its own, or for a later service of a request for several, the request's. */
  const requestIdOf = (e: ExecutionRecord) => e.group?.id ?? e.id;

  /** The execution's entries, and the request's approvals when the request was made for several services. */
  const auditOf = async (e: ExecutionRecord) => {
    const entries = [];
    for await (const entry of deps.audit.query({ since: e.createdAtMs, service: e.service }))
      if (entry.executionId === e.id) entries.push(entry);
    const lead = e.group && e.group.index > 0 ? e.group.services[0] : undefined;
    if (lead)
      for await (const entry of deps.audit.query({ since: e.createdAtMs, service: lead }))
        if (entry.type === 'approval.granted' && entry.executionId === requestIdOf(e)) entries.push(entry);
    return entries;
  };

  /** Builds, archives (the winner of the conditional write only), audits and posts one version. */
  const publish = async (e: ExecutionRecord, health: HealthAtFinish, version: number) => {
    const report = buildRecoveryReport({
      execution: e,
      route: routeOf(e),
      approvals: await deps.approvals.list(requestIdOf(e)),
      audit: await auditOf(e),
      health,
      timeline,
      version,
    });
    const body = recoveryReportMarkdown(report);
    const filename = reportFilename(report);
    const hash = sha256(body);
    const won = await deps.store.put({
      executionId: e.id,
      service: e.service,
      version,
      filename,
      body,
      sha256: hash,
      createdAtMs: deps.clock.now(),
    });
    if (!won) return undefined;
    if (report.health.kind === 'pending' && report.outcome === 'completed')
      await deps.store.markPending({
        service: e.service,
        executionId: e.id,
        version,
        alarms: report.health.alarms,
      });
    await deps.audit
      .append({
        type: 'report.recovery',
        actor: 'lifeboat',
        service: e.service,
        executionId: e.id,
        details: {
          version,
          filename,
          sha256: hash,
          bytes: Buffer.byteLength(body, 'utf8'),
          kind: report.kind,
          outcome: report.outcome,
          recoveryMs: report.recoveryMs ?? null,
          runbookMs: report.runbookMs ?? null,
          dataLossMs:
            report.dataLoss.kind === 'measured'
              ? report.dataLoss.lagMs
              : report.dataLoss.kind === 'none'
                ? 0
                : null,
          healthPending: report.health.kind === 'pending',
          ...(report.timeNote ? { timeNote: report.timeNote } : {}),
        },
      })
      .catch((error: unknown) =>
        logger.error({ err: error, executionId: e.id }, 'the recovery report could not be audited'),
      );
    const where = await deps.thread(requestIdOf(e));
    if (!where) {
      logger.warn({ executionId: e.id }, 'no request thread to post the recovery report in');
      return report;
    }
    await deps
      .post(where, {
        filename,
        title: `Recovery report: ${e.service} ${report.kind}${version > 1 ? ` (v${version})` : ''}`,
        content: body,
        comment: `Recovery report of this ${report.kind}: ${recoveryLine(report, deps.escape)}`,
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, executionId: e.id }, 'the recovery report could not be posted'),
      );
    return report;
  };

  return {
    /** Called on every execution change: a finished failover or failback gets its report once. */
    async onExecution(execution: ExecutionRecord): Promise<RecoveryReport | undefined> {
      if (execution.kind === 'drill' || !FINISHED.has(execution.state)) return undefined;
      if (await deps.store.get(execution.id, 1)) return undefined;
      return publish(execution, await healthNow(execution), 1);
    },

    /**
     * The service's incident resolved (every alarm OK): each report of the service still waiting for its health
     * alarms is posted again with the actual recovery time (runbook time plus the wait until `resolvedAtMs`).
     */
    async incidentResolved(incident: IncidentRecord): Promise<RecoveryReport[]> {
      const done: RecoveryReport[] = [];
      const okAtMs = incident.resolvedAtMs ?? deps.clock.now();
      for (const pending of await deps.store.pending(incident.service)) {
        const execution = await deps.executions.get(pending.executionId);
        if (!execution) continue;
        if (okAtMs < (execution.finishedAtMs ?? execution.updatedAtMs)) continue;
        if (!(await deps.store.clearPending(pending.service, pending.executionId))) continue;
        const report = await publish(
          execution,
          { kind: 'ok', okAtMs, alarms: pending.alarms },
          pending.version + 1,
        );
        if (report) done.push(report);
      }
      return done;
    },
  };
}

export type RecoveryReports = ReturnType<typeof createRecoveryReports>;
