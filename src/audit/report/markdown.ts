import { formatDuration as humanDuration, utcText } from '../../readiness/format.js';
import {
  drillsLine,
  findingLine,
  formatDuration,
  formatMeasured,
  operationLine,
  readinessLine,
  timeNoteSuffix,
} from './format.js';
import type { ComplianceReport } from './types.js';

/** Escapes Markdown control characters in text that came from users or AWS. */
export const escapeMarkdown = (text: string): string =>
  text.replace(/[\\`*_{}[\]<>()#+|!~-]/g, '\\$&').replace(/\r?\n/g, ' ');

/** Times in the file: UTC text, the fallback style of the Slack cards. */
const time = (iso: string) => utcText(Date.parse(iso));

/** The compliance report as a Markdown document (the file attached to the Slack message). */
export function reportMarkdown(report: ComplianceReport): string {
  const lines: string[] = [
    '# Lifeboat compliance report',
    '',
    `Period: ${time(report.from)} to ${time(report.to)} (${humanDuration(Date.parse(report.to) - Date.parse(report.from))}). Computed from ${report.entries} audit log entries.`,
    '',
    'Figures come only from the audit log; where it holds no data the report says so.',
    '',
  ];
  if (report.services.length === 0)
    lines.push('No services in the plan and no service activity in the audit log.', '');
  for (const s of report.services) {
    lines.push(`## ${escapeMarkdown(s.service)}`, '');
    if (!s.targets) lines.push('_This service is no longer in the DR plan._', '');
    lines.push(`- ${drillsLine(s)}`);
    lines.push(`- ${formatMeasured('Measured RTO', s.rto, s.targets?.rtoMs, escapeMarkdown)}`);
    lines.push(`- ${formatMeasured('Measured RPO', s.rpo, s.targets?.rpoMs, escapeMarkdown)}`);
    lines.push(`- ${readinessLine(s, time)}`);
    lines.push('');
    if (s.drills.length > 0) {
      lines.push('### Drills', '', '| when | outcome | RTO | RPO | note |', '|---|---|---|---|---|');
      for (const d of s.drills) {
        const note = timeNoteSuffix(d.timeNote, escapeMarkdown);
        const rto = d.rtoMs === undefined ? 'not measured' : `${formatDuration(d.rtoMs)}${note}`;
        const rpo = d.rpoMs === undefined ? 'not measured' : `${formatDuration(d.rpoMs)}${note}`;
        lines.push(`| ${time(d.at)} | ${d.outcome} | ${rto} | ${rpo} | ${escapeMarkdown(d.reason ?? '')} |`);
      }
      lines.push('');
    }
    lines.push('### Failovers and failbacks', '');
    if (s.operations.length === 0) lines.push('None requested in this period.');
    for (const op of s.operations) lines.push(`- ${escapeMarkdown(operationLine(op, (id) => id, time))}`);
    lines.push('', '### Open findings', '');
    if (s.openFindings.length === 0)
      lines.push('None: no failed drill, declined or open request, or drill finding in this period.');
    for (const f of s.openFindings)
      lines.push(`- ${findingLine(f, escapeMarkdown, time, escapeMarkdown)} (${escapeMarkdown(f.id)})`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
