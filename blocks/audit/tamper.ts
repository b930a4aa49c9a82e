import type { TamperEvent, TamperWatchStatus } from '../../src/audit/tamper-watch.js';
import type { ArchiveComparison } from '../../src/audit/types.js';
import { escapeText, truncate } from '../escape.js';
import { context, section } from '../kit.js';
import type { AuditMessage } from './messages.js';

/** Items listed in one alert; the rest are counted. */
const SHOWN = 10;

const describe = (e: TamperEvent): string =>
  `${e.event === 'REMOVE' ? 'deleted' : 'modified'} ${e.pk} / ${e.sk}${e.at ? ` at ${e.at}` : ''}${
    e.event === 'MODIFY' && e.oldHash !== undefined && e.oldHash !== e.newHash ? ' (re-hashed)' : ''
  }${e.principal ? ` by ${e.principal}` : ''}`;

/** The security alert for the operators' channel: audit items were changed after they were written. */
export function tamperAlertMessage(events: readonly TamperEvent[]): AuditMessage {
  const removed = events.filter((e) => e.event === 'REMOVE').length;
  const modified = events.length - removed;
  const summary = `Security alert: ${events.length} audit item${events.length === 1 ? ' was' : 's were'} changed after being written (${modified} modified, ${removed} deleted). Audit items are append-only: someone with write access to the state table altered the audit log.`;
  const lines = events.slice(0, SHOWN).map((e) => `• ${escapeText(truncate(describe(e), 300))}`);
  if (events.length > SHOWN) lines.push(`• … and ${events.length - SHOWN} more`);
  return {
    text: summary,
    blocks: [
      section(`:rotating_light: *${escapeText(summary)}*`),
      section(lines.join('\n')),
      context(
        'Seen on the table’s DynamoDB stream. Check CloudTrail for who made the calls, then run `/dr audit verify`: it compares the table with the Object-Locked S3 archive.',
      ),
    ],
  };
}

/** Plain text of the same alert for the operators' SNS topic (subject ≤ 100 characters). */
export function tamperAlertNotification(events: readonly TamperEvent[]): {
  subject: string;
  message: string;
} {
  const message = [
    tamperAlertMessage(events).text,
    '',
    ...events.slice(0, 50).map((e) => describe(e)),
    ...(events.length > 50 ? [`… and ${events.length - 50} more`] : []),
    '',
    'Check CloudTrail for the DynamoDB calls, then run /dr audit verify in Slack.',
  ].join('\n');
  return { subject: 'Lifeboat security alert: audit log items changed', message };
}

/** One line on the watch for the audit view. */
export function tamperWatchLine(status: TamperWatchStatus): string {
  switch (status.state) {
    case 'on':
      return `Tamper watch: on since ${status.since} (DynamoDB stream of the state table).`;
    case 'failing':
      return `Tamper watch: failing since ${status.since}: ${truncate(status.reason, 200)}.`;
    case 'off':
      return `Tamper watch: off — ${truncate(status.reason, 200)}. Changes to audit items are only found by verify.`;
  }
}

/** One line on what verify compared the table with. */
export function archiveLine(archive: ArchiveComparison | undefined, configured: boolean): string {
  if (!configured) return 'Not compared with an S3 archive: none is configured (AUDIT_ARCHIVE_BUCKET).';
  if (!archive) return 'Compared with the S3 archive.';
  return `Compared with the S3 archive: ${archive.days} sealed day${archive.days === 1 ? '' : 's'}, ${archive.anchors} hourly anchor${archive.anchors === 1 ? '' : 's'}${archive.newestAnchorAt ? ` (newest ${archive.newestAnchorAt})` : ''}.`;
}
