import type { KnownBlock } from '@slack/types';
import type { VerifyReport } from '../../src/audit/types.js';
import { escapeText, truncate } from '../escape.js';
import { context, section } from '../kit.js';

/** Pure builders for /dr audit responses: view model in, fallback text and blocks out. */

export interface AuditMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export interface RangeView {
  /** ISO times; undefined = open end. */
  readonly since?: string;
  readonly until?: string;
  readonly service?: string;
}

const plain = (text: string): AuditMessage => ({ text, blocks: [section(escapeText(text))] });

export function describeRange(range: RangeView): string {
  const from = range.since ?? 'the beginning';
  const to = range.until ?? 'now';
  return `from ${from} to ${to}${range.service ? ` for service ${range.service}` : ''}`;
}

export const AUDIT_USAGE = [
  '/dr audit export [--since ISO|7d] [--until ISO|7d] [--service name] [--format csv|json]',
  '/dr audit verify [--since ISO|7d] [--until ISO|7d]',
] as const;

export function auditUsage(problem?: string): AuditMessage {
  const lines = AUDIT_USAGE.map((u) => `\`${escapeText(u)}\``).join('\n');
  const intro = problem ? `${escapeText(problem)}\n` : '';
  return {
    text: `${problem ? `${escapeText(problem)}. ` : ''}Usage: ${escapeText(AUDIT_USAGE.join(' | '))}`,
    blocks: [
      section(`${intro}*Usage*\n${lines}`),
      context(
        'Times are ISO 8601 (a date means midnight UTC) or a duration ago such as 7d; --until is exclusive.',
      ),
    ],
  };
}

export function auditRefused(what: string): AuditMessage {
  return plain(
    `Sorry, only the plan's auditors and service approvers can ${what}. This refusal has been recorded in the audit log.`,
  );
}

export const exportStarted = (range: RangeView): AuditMessage =>
  plain(`Exporting audit entries ${describeRange(range)}…`);

export const exportProgress = (range: RangeView, count: number): AuditMessage =>
  plain(`Exporting audit entries ${describeRange(range)}… ${count.toLocaleString('en-US')} so far.`);

export const exportEmpty = (range: RangeView): AuditMessage =>
  plain(
    `No audit entries ${describeRange(range)}. Nothing was uploaded; the export is recorded in the audit log.`,
  );

export const exportFailed = (reason: string): AuditMessage =>
  plain(`The audit export failed: ${reason}. Nothing was recorded as exported.`);

export interface ExportDoneView {
  readonly range: RangeView;
  readonly count: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly filename: string;
  readonly firstAt?: string;
  readonly lastAt?: string;
}

export function exportDone(view: ExportDoneView): AuditMessage {
  const text = `Exported ${view.count} audit entries ${describeRange(view.range)} to ${view.filename} (sha256 ${view.sha256}).`;
  return {
    text,
    blocks: [
      section(
        `*Audit export ready* — ${view.count.toLocaleString('en-US')} entries ${escapeText(describeRange(view.range))}\n` +
          `File \`${escapeText(view.filename)}\` (${view.bytes.toLocaleString('en-US')} bytes) was sent to you in a direct message.`,
      ),
      context(
        `First entry ${escapeText(view.firstAt ?? '-')} · last entry ${escapeText(view.lastAt ?? '-')} · SHA-256 \`${view.sha256}\``,
      ),
    ],
  };
}

export const exportFileComment = (view: ExportDoneView): string =>
  `Lifeboat audit export: ${view.count} entries ${describeRange(view.range)}. SHA-256 of this file: ${view.sha256}`;

export const verifyFailed = (reason: string): AuditMessage =>
  plain(`The audit verification could not run: ${reason}.`);

export const verifyStarted = (range: RangeView): AuditMessage =>
  plain(`Verifying the audit chains ${describeRange(range)}…`);

/** What else the audit view says next to a verify result: the tamper watch and the archive comparison. */
export interface VerifyExtras {
  /** Lines shown as context under the result (escaped here). */
  readonly notes: readonly string[];
}

export function verifyResult(report: VerifyReport, range: RangeView, extras?: VerifyExtras): AuditMessage {
  const notes = extras?.notes.length ? [context(escapeText(extras.notes.join(' · ')))] : [];
  const days = report.days.length;
  const scope = `${report.entries.toLocaleString('en-US')} entries in ${report.chains} chain${report.chains === 1 ? '' : 's'} over ${days} day${days === 1 ? '' : 's'} (${report.checkpoints} checkpoint${report.checkpoints === 1 ? '' : 's'})`;
  const unsealed =
    report.uncheckpointedDays.length > 0
      ? `Not yet sealed by a checkpoint: ${truncate(report.uncheckpointedDays.join(', '), 500)} — removal of their newest entries cannot be detected yet.`
      : 'Every day in the range is sealed by a checkpoint.';
  if (report.ok) {
    const text =
      days === 0 ? `No audit entries ${describeRange(range)} to verify.` : `Audit log intact: ${scope}.`;
    return {
      text,
      blocks: [
        section(`:white_check_mark: *${escapeText(text)}*`),
        context(`${escapeText(describeRange(range))} · ${escapeText(unsealed)}`),
        ...notes,
      ],
    };
  }
  const first = report.firstBreak;
  const what = first
    ? `${first.kind} at ${first.entryId ?? first.chain}: ${first.message}`
    : 'unknown problem';
  const text = `Audit log broken: ${what} (${report.problems} problem${report.problems === 1 ? '' : 's'} in ${scope}).`;
  return {
    text,
    blocks: [
      section(`:rotating_light: *The audit log does not verify* ${escapeText(describeRange(range))}`),
      section(
        `*First broken link:* \`${escapeText(first?.entryId ?? first?.chain ?? '-')}\` — ${escapeText(first?.kind ?? '')}\n${escapeText(first?.message ?? '')}`,
      ),
      context(
        `${report.problems} problem${report.problems === 1 ? '' : 's'} in ${escapeText(scope)} · ${escapeText(unsealed)}`,
      ),
      ...notes,
    ],
  };
}
