import type { KnownBlock } from '@slack/types';
import {
  drillsLine,
  findingLine,
  formatMeasured,
  operationLine,
  readinessLine,
} from '../../src/audit/report/format.js';
import type { ComplianceReport, ServiceReport } from '../../src/audit/report/types.js';
import { formatDuration } from '../../src/readiness/format.js';
import { type ListedRecoveryReport, listedLine } from '../../src/report/listing.js';
import { escapeText, truncate } from '../escape.js';
import { slackDate, utcText } from '../readiness/format.js';
import type { AuditMessage } from './messages.js';

/** Slack allows 50 blocks per message: header + context + 2 per service + the overflow note + 2 for recovery reports. */
const MAX_SERVICES = 22;
const MAX_OPERATIONS = 5;
const MAX_FINDINGS = 5;
const MAX_RECOVERIES = 10;

const mention = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeText(id));
/** Every time in the reader's own time zone (Slack's date token). */
const when = (iso: string) => slackDate(Date.parse(iso));

function serviceText(s: ServiceReport): string {
  const lines = [
    `*${escapeText(s.service)}*${s.targets ? '' : ' _(no longer in the plan)_'}`,
    `• ${escapeText(drillsLine(s))}`,
    `• ${escapeText(formatMeasured('RTO', s.rto, s.targets?.rtoMs))}`,
    `• ${escapeText(formatMeasured('RPO', s.rpo, s.targets?.rpoMs))}`,
    `• ${readinessLine(s, when)}`,
  ];
  if (s.operations.length === 0) lines.push('• Failovers/failbacks: none in this period');
  for (const op of s.operations.slice(0, MAX_OPERATIONS)) {
    lines.push(`• ${operationLine({ ...op, requestId: escapeText(op.requestId) }, mention, when)}`);
  }
  if (s.operations.length > MAX_OPERATIONS)
    lines.push(`• …and ${s.operations.length - MAX_OPERATIONS} more in the attached file`);
  lines.push(
    s.openFindings.length === 0
      ? '• Open findings: none (no failed drill, declined or open request, or drill finding)'
      : `• Open findings: ${s.openFindings.length}`,
  );
  for (const f of s.openFindings.slice(0, MAX_FINDINGS))
    lines.push(`   ◦ ${findingLine({ ...f, title: truncate(f.title, 200) }, mention, when, escapeText)}`);
  if (s.openFindings.length > MAX_FINDINGS)
    lines.push(`   ◦ …and ${s.openFindings.length - MAX_FINDINGS} more in the attached file`);
  return truncate(lines.join('\n'), 3000);
}

/** `/dr report`: one section per service, the full detail in the attached Markdown file. */
export function reportMessage(
  report: ComplianceReport,
  fileNote: string,
  recoveries: readonly ListedRecoveryReport[] = [],
): AuditMessage {
  const shown = report.services.slice(0, MAX_SERVICES);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'DR compliance report', emoji: false } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${when(report.from)} to ${when(report.to)} (${formatDuration(Date.parse(report.to) - Date.parse(report.from))}) · ${report.entries} audit entries · ${escapeText(fileNote)}`,
        },
      ],
    },
  ];
  for (const s of shown)
    blocks.push({ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: serviceText(s) } });
  if (report.services.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${report.services.length - shown.length} more services are in the attached file.`,
        },
      ],
    });
  }
  if (report.services.length === 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No services to report on.' } });
  blocks.push(
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: recoveriesText(recoveries) } },
  );
  const text = `DR compliance report ${utcText(Date.parse(report.from))} to ${utcText(Date.parse(report.to))}: ${report.services.map((s) => `${s.service} ${drillsLine(s).toLowerCase()}`).join('; ')}`;
  return { text: truncate(escapeText(text), 3000), blocks };
}

/** The period's recovery reports (src/report/), newest first; each one's file was posted in its request thread. */
function recoveriesText(recoveries: readonly ListedRecoveryReport[]): string {
  const lines = ['*Recovery reports*'];
  if (recoveries.length === 0) lines.push('• None in this period: no failover or failback finished.');
  for (const r of recoveries.slice(0, MAX_RECOVERIES)) lines.push(`• ${escapeText(listedLine(r))}`);
  if (recoveries.length > MAX_RECOVERIES)
    lines.push(`• …and ${recoveries.length - MAX_RECOVERIES} more in the attached file`);
  return truncate(lines.join('\n'), 3000);
}

/** Shown at once while `/dr report` reads the audit log; replaced by the report. */
export function reportBuildingMessage(fromMs: number, toMs: number): AuditMessage {
  const span = formatDuration(toMs - fromMs);
  return {
    text: `Building the compliance report over the last ${span}, ${utcText(fromMs)} to ${utcText(toMs)}…`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:hourglass_flowing_sand: Building the compliance report over the last ${span}, ${slackDate(fromMs)} to ${slackDate(toMs)}…`,
        },
      },
    ],
  };
}
