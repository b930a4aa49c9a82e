import type { KnownBlock } from '@slack/types';
import { drillsLine, formatMeasured, operationLine, readinessLine } from '../../src/audit/report/format.js';
import type { ComplianceReport, ServiceReport } from '../../src/audit/report/types.js';
import { escapeText, truncate } from '../escape.js';
import type { AuditMessage } from './messages.js';

/** Slack allows 50 blocks per message: header + context + 2 per service + the overflow note. */
const MAX_SERVICES = 22;
const MAX_OPERATIONS = 5;
const MAX_FINDINGS = 5;

const mention = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeText(id));

function serviceText(s: ServiceReport): string {
  const lines = [
    `*${escapeText(s.service)}*${s.targets ? '' : ' _(no longer in the plan)_'}`,
    `• ${escapeText(drillsLine(s))}`,
    `• ${escapeText(formatMeasured('RTO', s.rto, s.targets?.rtoMs))}`,
    `• ${escapeText(formatMeasured('RPO', s.rpo, s.targets?.rpoMs))}`,
    `• ${escapeText(readinessLine(s))}`,
  ];
  if (s.operations.length === 0) lines.push('• Failovers/failbacks: none in this period');
  for (const op of s.operations.slice(0, MAX_OPERATIONS)) {
    lines.push(`• ${operationLine({ ...op, requestId: escapeText(op.requestId) }, mention)}`);
  }
  if (s.operations.length > MAX_OPERATIONS)
    lines.push(`• …and ${s.operations.length - MAX_OPERATIONS} more in the attached file`);
  lines.push(
    s.openFindings.length === 0
      ? '• Open findings: none recorded'
      : `• Open findings: ${s.openFindings.length}`,
  );
  for (const f of s.openFindings.slice(0, MAX_FINDINGS))
    lines.push(`   ◦ ${escapeText(truncate(f.title, 150))}`);
  return truncate(lines.join('\n'), 3000);
}

/** `/dr report`: one section per service, the full detail in the attached Markdown file. */
export function reportMessage(report: ComplianceReport, fileNote: string): AuditMessage {
  const shown = report.services.slice(0, MAX_SERVICES);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'DR compliance report', emoji: false } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: escapeText(`${report.from} to ${report.to} · ${report.entries} audit entries · ${fileNote}`),
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
  const text = `DR compliance report ${report.from} to ${report.to}: ${report.services.map((s) => `${s.service} ${drillsLine(s).toLowerCase()}`).join('; ')}`;
  return { text: truncate(text, 3000), blocks };
}
