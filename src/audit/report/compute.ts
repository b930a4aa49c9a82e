import type { Plan } from '../../plan/load.js';
import type { AuditEntry, JsonObject } from '../types.js';
import type {
  ComplianceReport,
  DrillRun,
  Finding,
  Measured,
  Operation,
  OperationKind,
  ServiceReport,
} from './types.js';

/**
 * Folds audit entries (in time order) into a compliance report, in memory proportional to the
 * number of services, requests and drills, not entries. The `details` it reads are documented in
 * docs/audit.md; entries whose details lack a figure contribute no figure (nothing is invented).
 */
export interface ReportAccumulator {
  add(entry: AuditEntry): void;
  finish(): ComplianceReport;
}

interface Request {
  kind: string;
  service: string;
  requestId: string;
  requestedAt: string;
  requester: string;
  approvers: string[];
  outcome: Operation['outcome'];
  executionId?: string;
  declinedBy?: string;
}

interface ServiceState {
  drills: DrillRun[];
  readiness: { ready: boolean; since: number; readyMs: number; regressions: number } | undefined;
  findings: Map<string, Finding>;
}

const num = (d: JsonObject, key: string): number | undefined => {
  const v = d[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
};
const text = (d: JsonObject, key: string): string | undefined => {
  const v = d[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

export function createReportAccumulator(
  plan: Plan,
  period: { readonly from: number; readonly to: number; readonly service?: string },
): ReportAccumulator {
  const services = new Map<string, ServiceState>();
  const requests = new Map<string, Request>();
  const byExecution = new Map<string, Request>();
  let entries = 0;
  /** When the log shows Lifeboat running first in the period: the start of the time readiness was observed. */
  let firstAt: number | undefined;
  const state = (name: string): ServiceState => {
    const found = services.get(name) ?? { drills: [], readiness: undefined, findings: new Map() };
    services.set(name, found);
    return found;
  };
  for (const name of Object.keys(plan.services))
    if (period.service === undefined || period.service === name) state(name);

  const requestOf = (entry: AuditEntry): Request | undefined => {
    const id = text(entry.details, 'requestId');
    return (
      (id !== undefined ? requests.get(id) : undefined) ??
      (entry.executionId ? byExecution.get(entry.executionId) : undefined)
    );
  };

  /**
   * A readiness transition: `details.to` is the verdict after it, `details.from` the one before (the
   * scheduler records both on any change, e.g. degraded → not_ready). Only `to: "ready"` counts as ready
   * time. Entries without them (older logs) flip between ready (recovered) and not ready (regressed).
   */
  function readiness(s: ServiceState, at: number, entry: AuditEntry): void {
    const to = text(entry.details, 'to');
    const from = text(entry.details, 'from');
    const ready = to !== undefined ? to === 'ready' : entry.type === 'readiness.recovered';
    if (!s.readiness) {
      // The first transition tells the state before it.
      const before = from !== undefined ? from === 'ready' : !ready;
      s.readiness = { ready: before, since: observedFrom(), readyMs: 0, regressions: 0 };
    }
    const r = s.readiness;
    if (r.ready === ready) return;
    if (r.ready) r.readyMs += at - r.since;
    // A regression, for the report, is leaving "ready" (degraded → not_ready changes no uptime).
    if (!ready) r.regressions++;
    r.ready = ready;
    r.since = at;
  }

  const observedFrom = () => Math.max(period.from, firstAt ?? period.from);

  return {
    add(entry) {
      entries++;
      const entryAt = Date.parse(entry.at);
      if (Number.isFinite(entryAt) && (firstAt === undefined || entryAt < firstAt)) firstAt = entryAt;
      const service = entry.service;
      if (service === undefined || (period.service !== undefined && service !== period.service)) return;
      const s = state(service);
      const d = entry.details;
      const at = Date.parse(entry.at);
      switch (entry.type) {
        case 'request.created': {
          const requestId = text(d, 'requestId');
          if (!requestId) return;
          const request: Request = {
            kind: text(d, 'kind') ?? 'failover',
            service,
            requestId,
            requestedAt: entry.at,
            requester: entry.actor,
            approvers: [],
            outcome: 'awaiting approval',
          };
          requests.set(requestId, request);
          return;
        }
        case 'approval.granted': {
          const r = requestOf(entry);
          if (r && !r.approvers.includes(entry.actor)) r.approvers.push(entry.actor);
          return;
        }
        case 'request.declined':
        case 'request.expired': {
          const r = requestOf(entry);
          if (!r) return;
          r.outcome = entry.type === 'request.declined' ? 'declined' : 'expired';
          if (entry.type === 'request.declined') r.declinedBy = entry.actor;
          return;
        }
        case 'execution.started':
        case 'execution.completed':
        case 'execution.aborted': {
          const r = requestOf(entry);
          if (!r) return;
          if (entry.executionId) {
            r.executionId = entry.executionId;
            byExecution.set(entry.executionId, r);
          }
          r.outcome =
            entry.type === 'execution.started'
              ? 'in progress'
              : entry.type === 'execution.completed'
                ? 'completed'
                : 'aborted';
          return;
        }
        case 'drill.completed':
        case 'drill.failed': {
          const passed = entry.type === 'drill.completed' && d.passed !== false;
          const rtoMs = num(d, 'rtoMs');
          const rpoMs = num(d, 'rpoMs');
          const reason = text(d, 'reason');
          const timeNote = text(d, 'timeNote');
          s.drills.push({
            at: entry.at,
            outcome: passed ? 'passed' : 'failed',
            ...(rtoMs !== undefined ? { rtoMs } : {}),
            ...(rpoMs !== undefined ? { rpoMs } : {}),
            ...(reason ? { reason } : {}),
            ...(timeNote ? { timeNote } : {}),
          });
          return;
        }
        case 'drill.finding': {
          const id = text(d, 'findingId');
          const severity = text(d, 'severity');
          if (id)
            s.findings.set(id, {
              id,
              title: text(d, 'title') ?? id,
              at: entry.at,
              ...(severity ? { severity } : {}),
            });
          return;
        }
        case 'drill.finding.resolved': {
          const id = text(d, 'findingId');
          if (id) s.findings.delete(id);
          return;
        }
        case 'readiness.regressed':
        case 'readiness.recovered':
          readiness(s, at, entry);
          return;
        default:
          return;
      }
    },
    finish() {
      const reports: ServiceReport[] = [];
      for (const [name, s] of [...services].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const planned = plan.services[name];
        const targets = planned ? { rtoMs: planned.rto, rpoMs: planned.rpo } : undefined;
        const operations = [...requests.values()]
          .filter(
            (r): r is Request & { kind: OperationKind } =>
              r.service === name && (r.kind === 'failover' || r.kind === 'failback'),
          )
          .map(
            ({ kind, requestId, requestedAt, requester, approvers, outcome, executionId, declinedBy }) => ({
              kind,
              requestId,
              requestedAt,
              requester,
              approvers,
              outcome,
              ...(executionId ? { executionId } : {}),
              ...(declinedBy ? { declinedBy } : {}),
            }),
          );
        const rto = measured(
          s.drills.map((d) => ({ ms: d.rtoMs, timeNote: d.timeNote })),
          targets?.rtoMs,
        );
        const rpo = measured(
          s.drills.map((d) => ({ ms: d.rpoMs, timeNote: d.timeNote })),
          targets?.rpoMs,
        );
        const r = s.readiness;
        const from = observedFrom();
        const span = period.to - from;
        const readyMs = r ? r.readyMs + (r.ready ? period.to - r.since : 0) : 0;
        reports.push({
          service: name,
          ...(targets ? { targets } : {}),
          drills: s.drills,
          ...(rto ? { rto } : {}),
          ...(rpo ? { rpo } : {}),
          ...(r && span > 0
            ? {
                readiness: {
                  uptimePct: Math.round((readyMs / span) * 10_000) / 100,
                  regressions: r.regressions,
                  observedFrom: new Date(from).toISOString(),
                  observedMs: span,
                },
              }
            : {}),
          operations,
          openFindings: [...s.findings.values(), ...derivedFindings(s.drills, operations)],
        });
      }
      return {
        from: new Date(period.from).toISOString(),
        to: new Date(period.to).toISOString(),
        entries,
        services: reports,
      };
    },
  };
}

interface Sample {
  readonly ms: number;
  readonly timeNote?: string | undefined;
}

/** Worst and latest of the drills' figures, each with its drill's time note when it has one. */
function measured(
  values: readonly { readonly ms?: number | undefined; readonly timeNote?: string | undefined }[],
  target: number | undefined,
): Measured | undefined {
  const samples = values.filter((v): v is Sample => v.ms !== undefined);
  const latest = samples.at(-1);
  if (!latest) return undefined;
  const worst = samples.reduce((a, b) => (b.ms > a.ms ? b : a));
  return {
    worstMs: worst.ms,
    latestMs: latest.ms,
    samples: samples.length,
    ...(worst.timeNote ? { worstNote: worst.timeNote } : {}),
    ...(latest.timeNote ? { latestNote: latest.timeNote } : {}),
    ...(target !== undefined ? { withinTarget: worst.ms <= target } : {}),
  };
}

/**
 * What the period leaves to look at besides drill findings: a failed drill no later drill passed, a declined
 * request, a request still awaiting approval or running at the end of the period.
 */
function derivedFindings(drills: readonly DrillRun[], operations: readonly Operation[]): Finding[] {
  const found: Finding[] = [];
  const lastPass = drills.reduce((at, d) => (d.outcome === 'passed' && d.at > at ? d.at : at), '');
  for (const d of drills)
    if (d.outcome === 'failed' && d.at > lastPass)
      found.push({
        id: `drill-failed:${d.at}`,
        kind: 'drill-failed',
        title: `Drill failed${d.reason ? `: ${d.reason}` : ''}; no drill passed since`,
        at: d.at,
      });
  for (const op of operations) {
    if (op.outcome === 'declined')
      found.push({
        id: `request-declined:${op.requestId}`,
        kind: 'request-declined',
        title: `${op.kind} request ${op.requestId} declined`,
        at: op.requestedAt,
        ...(op.declinedBy ? { actor: op.declinedBy } : {}),
      });
    else if (op.outcome === 'awaiting approval' || op.outcome === 'in progress')
      found.push({
        id: `request-open:${op.requestId}`,
        kind: 'request-open',
        title: `${op.kind} request ${op.requestId} still ${op.outcome} at the end of the period`,
        at: op.requestedAt,
        actor: op.requester,
      });
  }
  return found;
}
