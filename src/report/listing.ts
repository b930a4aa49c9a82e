import type { AuditEntry } from '../audit/types.js';
import { formatDuration, utcText } from '../readiness/format.js';
import { sha256 } from './hash.js';
import type { ReportStore } from './store.js';

/** A recovery report as `/dr report` lists it: from its `report.recovery` audit entry, checked against the archive. */
export interface ListedRecoveryReport {
  readonly atMs: number;
  readonly service: string;
  readonly executionId: string;
  readonly version: number;
  readonly filename: string;
  readonly kind: string;
  readonly outcome: string;
  readonly recoveryMs?: number;
  readonly dataLossMs?: number;
  readonly healthPending: boolean;
  readonly timeNote?: string;
  readonly sha256: string;
  /** The archived body hashed again: the same as the audit entry's, different (changed since), or not found. */
  readonly archive: 'matches' | 'differs' | 'missing' | 'unchecked';
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The newest version of each execution's report among the entries, newest first. */
export function listRecoveryReports(entries: readonly AuditEntry[]): ListedRecoveryReport[] {
  const latest = new Map<string, ListedRecoveryReport>();
  for (const e of entries) {
    if (e.type !== 'report.recovery' || !e.executionId) continue;
    const d = e.details;
    const listed: ListedRecoveryReport = {
      atMs: Date.parse(e.at),
      service: e.service ?? '?',
      executionId: e.executionId,
      version: num(d.version) ?? 1,
      filename: String(d.filename ?? ''),
      kind: String(d.kind ?? ''),
      outcome: String(d.outcome ?? ''),
      ...(num(d.recoveryMs) !== undefined ? { recoveryMs: num(d.recoveryMs) } : {}),
      ...(num(d.dataLossMs) !== undefined ? { dataLossMs: num(d.dataLossMs) } : {}),
      healthPending: d.healthPending === true,
      ...(typeof d.timeNote === 'string' ? { timeNote: d.timeNote } : {}),
      sha256: String(d.sha256 ?? ''),
      archive: 'unchecked',
    };
    const seen = latest.get(e.executionId);
    if (!seen || seen.version < listed.version) latest.set(e.executionId, listed);
  }
  return [...latest.values()].sort((a, b) => b.atMs - a.atMs || a.executionId.localeCompare(b.executionId));
}

/** Hashes each listed report's archived body again and compares it with the audit entry's hash. */
export async function checkArchive(
  listed: readonly ListedRecoveryReport[],
  store: Pick<ReportStore, 'get'>,
): Promise<ListedRecoveryReport[]> {
  return Promise.all(
    listed.map(async (r) => {
      const archived = await store.get(r.executionId, r.version);
      const archive = !archived ? 'missing' : sha256(archived.body) === r.sha256 ? 'matches' : 'differs';
      return { ...r, archive } as const;
    }),
  );
}

const ARCHIVE_TEXT: Readonly<Record<ListedRecoveryReport['archive'], string>> = {
  matches: 'archive matches the audit log',
  differs: 'ARCHIVE CHANGED: its hash differs from the audit log',
  missing: 'archive missing',
  unchecked: 'archive not checked',
};

/** One plain line per report (callers escape it for their format). */
export function listedLine(r: ListedRecoveryReport): string {
  const note = r.timeNote ? ` (${r.timeNote})` : '';
  const time =
    r.outcome === 'aborted'
      ? 'aborted'
      : r.recoveryMs !== undefined
        ? `recovered in ${formatDuration(r.recoveryMs)}${note}`
        : r.healthPending
          ? 'recovery time not known yet (health alarms in ALARM)'
          : 'recovery time not known';
  const loss =
    r.dataLossMs === undefined ? 'data loss not measured' : `data loss ≤ ${formatDuration(r.dataLossMs)}`;
  return `${utcText(r.atMs)} ${r.service} ${r.kind}: ${time}, ${loss}; ${r.filename}${r.version > 1 ? ` (v${r.version})` : ''}; ${ARCHIVE_TEXT[r.archive]}`;
}
