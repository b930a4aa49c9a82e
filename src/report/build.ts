import type { AuditEntry } from '../audit/types.js';
import type { ApprovalRecord, ExecutionRecord } from '../domain/records.js';
import type { Timeline } from '../domain/timeline.js';
import type { DataLoss, HealthAtFinish, RecoveryReport, ReportEvent, ReportStep } from './types.js';

/** What the plan says about the execution's service, read by the caller (the plan may have changed since). */
export interface ReportRoute {
  readonly sourceRegion: string;
  readonly targetRegion: string;
  readonly rtoMs?: number;
  readonly rpoMs?: number;
  /** Step ids in the order the runbook runs them; steps of the record not listed follow, sorted. */
  readonly stepOrder: readonly string[];
  readonly stepKinds: Readonly<Record<string, string>>;
}

export interface ReportInput {
  readonly execution: ExecutionRecord;
  readonly route: ReportRoute;
  /** The execution's approval items (declines and the requester's own are ignored). */
  readonly approvals: readonly ApprovalRecord[];
  /** The audit entries of this execution, any order. */
  readonly audit: readonly AuditEntry[];
  readonly health: HealthAtFinish;
  readonly timeline: Timeline;
  readonly version: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const atOf = (entry: AuditEntry) => Date.parse(entry.at);

/** The report of a finished execution: a pure function of the records, so the same records give the same report. */
export function buildRecoveryReport(input: ReportInput): RecoveryReport {
  const { execution: e, route, timeline } = input;
  if (e.kind === 'drill')
    throw new Error('drills have their own results (docs/drills.md), not a recovery report');
  if (e.state !== 'completed' && e.state !== 'aborted')
    throw new Error(`execution ${e.id} has not finished (${e.state})`);
  const finishedAtMs = e.finishedAtMs ?? e.updatedAtMs;
  const runbookMs = e.startedAtMs === undefined ? undefined : timeline.elapsed(e.startedAtMs, finishedAtMs);
  const healthWaitMs =
    input.health.kind === 'ok' ? Math.max(0, timeline.elapsed(finishedAtMs, input.health.okAtMs)) : undefined;
  const known = e.state === 'completed' && input.health.kind !== 'pending' && runbookMs !== undefined;
  return {
    executionId: e.id,
    service: e.service,
    kind: e.kind,
    mode: e.mode,
    outcome: e.state,
    sourceRegion: route.sourceRegion,
    targetRegion: route.targetRegion,
    requestedBy: e.requestedBy,
    requestedAtMs: e.createdAtMs,
    reason: e.reason,
    approvals: input.approvals
      .filter((a) => a.decision === 'approve' && a.userId !== e.requestedBy)
      .map((a) => ({ userId: a.userId, atMs: a.atMs }))
      .sort((a, b) => a.atMs - b.atMs || a.userId.localeCompare(b.userId)),
    ...(e.startedAtMs !== undefined ? { startedAtMs: e.startedAtMs } : {}),
    finishedAtMs,
    ...(runbookMs !== undefined ? { runbookMs } : {}),
    health: input.health,
    ...(healthWaitMs !== undefined ? { healthWaitMs } : {}),
    ...(known ? { recoveryMs: (runbookMs ?? 0) + (healthWaitMs ?? 0) } : {}),
    ...(route.rtoMs !== undefined ? { rtoTargetMs: route.rtoMs } : {}),
    ...(route.rpoMs !== undefined ? { rpoTargetMs: route.rpoMs } : {}),
    dataLoss: dataLossOf(e, input.audit),
    steps: stepsOf(e, route, timeline),
    events: eventsOf(input.audit),
    ...(e.abortSummary ? { abortSummary: e.abortSummary.text } : {}),
    ...(timeline.note ? { timeNote: timeline.note } : {}),
    version: input.version,
  };
}

/**
 * Planned switchovers and failbacks wait for the recovery Region to have every write (RPO 0). An unplanned
 * failover loses what had not replicated: the replication lag measured at approval (the latest approval that
 * measured it), the last measurement before the failover started.
 */
function dataLossOf(e: ExecutionRecord, audit: readonly AuditEntry[]): DataLoss {
  if (e.kind === 'failback')
    return {
      kind: 'none',
      why: 'a failback is a planned switchover: it waits until every write has replicated',
    };
  if (e.mode === 'planned')
    return { kind: 'none', why: 'a planned switchover waits until every write has replicated' };
  const measured = audit
    .filter((a) => a.type === 'approval.granted' && num(a.details.lagMs) !== undefined)
    .sort((a, b) => atOf(b) - atOf(a))[0];
  if (!measured) return { kind: 'not-measured' };
  return {
    kind: 'measured',
    lagMs: num(measured.details.lagMs) as number,
    measuredAtMs: num(measured.details.lagMeasuredAtMs) ?? atOf(measured),
  };
}

function stepsOf(e: ExecutionRecord, route: ReportRoute, timeline: Timeline): ReportStep[] {
  const listed = route.stepOrder.filter((id) => e.steps[id] !== undefined);
  const rest = Object.keys(e.steps)
    .filter((id) => !listed.includes(id))
    .sort();
  return [...listed, ...rest].map((id) => {
    const s = e.steps[id];
    if (!s) throw new Error(`step ${id} vanished`);
    const kind = route.stepKinds[id];
    return {
      id,
      ...(kind ? { kind } : {}),
      state: s.state,
      ...(s.region ? { region: s.region } : {}),
      ...(s.startedAtMs !== undefined ? { startedAtMs: s.startedAtMs } : {}),
      ...(s.finishedAtMs !== undefined ? { finishedAtMs: s.finishedAtMs } : {}),
      ...(s.startedAtMs !== undefined && s.finishedAtMs !== undefined
        ? { durationMs: timeline.elapsed(s.startedAtMs, s.finishedAtMs) }
        : {}),
      attempts: s.attempts,
      ...(s.error ? { error: s.error } : {}),
      ...(s.decidedBy ? { decidedBy: s.decidedBy } : {}),
    };
  });
}

const CHOICES: Readonly<Record<string, ReportEvent['what']>> = {
  'step.retry': 'retry',
  'step.skip': 'skip',
  'step.skip.proposed': 'skip proposed',
  'execution.aborted': 'abort',
  'execution.resumed': 'resumed by another replica',
};

function eventsOf(audit: readonly AuditEntry[]): ReportEvent[] {
  const events: ReportEvent[] = [];
  for (const a of audit) {
    const stepId = str(a.details.stepId);
    const attempt = num(a.details.attempt);
    if (a.type === 'step.outcome' && a.details.result === 'failed') {
      const error = str(a.details.error);
      events.push({
        atMs: atOf(a),
        what: 'paused',
        actor: a.actor,
        ...(stepId ? { stepId } : {}),
        ...(error ? { detail: error } : {}),
      });
      continue;
    }
    const what = CHOICES[a.type];
    if (!what) continue;
    events.push({
      atMs: atOf(a),
      what,
      actor: a.actor,
      ...(stepId ? { stepId } : {}),
      ...(attempt !== undefined ? { attempt } : {}),
    });
  }
  return events.sort((a, b) => a.atMs - b.atMs || a.what.localeCompare(b.what));
}
