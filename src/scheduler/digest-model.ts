import type { AuditLog } from '../audit/types.js';
import type { Plan } from '../plan/load.js';
import type { ServiceReadiness } from '../readiness/engine.js';
import type { Verdict } from '../readiness/types.js';
import { DAY_MS } from './time.js';

/** What the digest knows beyond readiness. Each source is optional: an absent one is shown as "not tracked". */
export interface DigestSources {
  openIncidents?(): Promise<
    readonly {
      readonly id: string;
      readonly service: string;
      readonly openedAtMs: number;
      readonly title?: string;
    }[]
  >;
  activeExecutions?(): Promise<
    readonly {
      readonly id: string;
      readonly service: string;
      readonly kind: string;
      readonly state: string;
      readonly createdAtMs: number;
    }[]
  >;
  /** Resources a drill created that are still running (and costing money). */
  drillResources?(): Promise<
    readonly { readonly service: string; readonly resource: string; readonly sinceMs: number }[]
  >;
  /** AWS Backup regressions of the last day (src/backup/digest.ts). */
  backupRegressions?(): Promise<
    readonly {
      readonly service: string;
      readonly kind: string;
      readonly resource?: string;
      readonly detail: string;
    }[]
  >;
}

export type DrillStatus = 'ok' | 'due' | 'overdue';

export interface DigestServiceRow {
  readonly service: string;
  /** Undefined when the readiness run failed for this service. */
  readonly readiness?: ServiceReadiness;
  /** Verdict at the previous digest. */
  readonly previousVerdict?: Verdict;
  readonly regressions24h: number;
  readonly recoveries24h: number;
  readonly drill: { readonly lastAtMs?: number; readonly dueAtMs: number; readonly status: DrillStatus };
}

export interface DigestModel {
  readonly atMs: number;
  readonly timezone: string;
  /** Set when this digest is posted late: the slot it was due at. */
  readonly lateForMs?: number;
  /** When the previous digest was posted, if known. */
  readonly previousAtMs?: number;
  readonly services: readonly DigestServiceRow[];
  readonly openIncidents?: Awaited<ReturnType<NonNullable<DigestSources['openIncidents']>>>;
  readonly activeExecutions?: Awaited<ReturnType<NonNullable<DigestSources['activeExecutions']>>>;
  readonly drillResources?: Awaited<ReturnType<NonNullable<DigestSources['drillResources']>>>;
  readonly backupRegressions?: Awaited<ReturnType<NonNullable<DigestSources['backupRegressions']>>>;
}

/** A drill counts as "due" this long before its interval runs out. */
export const DRILL_DUE_NOTICE_MS = 7 * DAY_MS;

export function drillStatus(lastAtMs: number | undefined, intervalMs: number, now: number, sinceMs: number) {
  // Without a drill on record, the interval counts from the start of the history we looked at.
  const dueAtMs = (lastAtMs ?? sinceMs) + intervalMs;
  const status: DrillStatus =
    now >= dueAtMs ? 'overdue' : now >= dueAtMs - DRILL_DUE_NOTICE_MS ? 'due' : 'ok';
  return { ...(lastAtMs !== undefined ? { lastAtMs } : {}), dueAtMs, status };
}

/** Last passed drill and the readiness transitions of the last 24 h, per service, from the audit log. */
export async function auditFacts(
  audit: Pick<AuditLog, 'query'>,
  since: number,
  now: number,
): Promise<Map<string, { lastDrill?: number; regressions: number; recoveries: number }>> {
  const facts = new Map<string, { lastDrill?: number; regressions: number; recoveries: number }>();
  for await (const entry of audit.query({ since, until: now + 1 })) {
    if (!entry.service) continue;
    const f = facts.get(entry.service) ?? { regressions: 0, recoveries: 0 };
    const at = Date.parse(entry.at);
    if (entry.type === 'drill.completed' && entry.details.passed !== false)
      f.lastDrill = Math.max(f.lastDrill ?? 0, at);
    if (at >= now - DAY_MS) {
      if (entry.type === 'readiness.regressed') f.regressions++;
      if (entry.type === 'readiness.recovered') f.recoveries++;
    }
    facts.set(entry.service, f);
  }
  return facts;
}

export interface BuildDigestDeps {
  readonly plan: Plan;
  readonly readiness: (service: string) => Promise<ServiceReadiness>;
  readonly audit: Pick<AuditLog, 'query'>;
  readonly sources: DigestSources;
  readonly previous?: { readonly atMs: number; readonly verdicts: Readonly<Record<string, Verdict>> };
  readonly now: number;
  readonly lateForMs?: number;
}

export async function buildDigest(deps: BuildDigestDeps): Promise<DigestModel> {
  const { plan, now } = deps;
  const names = Object.keys(plan.services);
  const longest = Math.max(
    ...names.map((n) => plan.services[n]?.drillInterval ?? plan.defaults.drillInterval),
  );
  const since = now - Math.max(longest, DAY_MS);
  const [facts, results, openIncidents, activeExecutions, drillResources, backupRegressions] =
    await Promise.all([
      auditFacts(deps.audit, since, now),
      Promise.all(names.map((n) => deps.readiness(n).catch(() => undefined))),
      deps.sources.openIncidents?.(),
      deps.sources.activeExecutions?.(),
      deps.sources.drillResources?.(),
      deps.sources.backupRegressions?.(),
    ]);
  const services = names.map((name, i): DigestServiceRow => {
    const f = facts.get(name);
    const interval = plan.services[name]?.drillInterval ?? plan.defaults.drillInterval;
    const previousVerdict = deps.previous?.verdicts[name];
    const readiness = results[i];
    return {
      service: name,
      ...(readiness ? { readiness } : {}),
      ...(previousVerdict ? { previousVerdict } : {}),
      regressions24h: f?.regressions ?? 0,
      recoveries24h: f?.recoveries ?? 0,
      drill: drillStatus(f?.lastDrill, interval, now, since),
    };
  });
  return {
    atMs: now,
    timezone: plan.timezone,
    ...(deps.lateForMs !== undefined ? { lateForMs: deps.lateForMs } : {}),
    ...(deps.previous ? { previousAtMs: deps.previous.atMs } : {}),
    services,
    ...(openIncidents ? { openIncidents } : {}),
    ...(activeExecutions ? { activeExecutions } : {}),
    ...(drillResources ? { drillResources } : {}),
    ...(backupRegressions ? { backupRegressions } : {}),
  };
}
