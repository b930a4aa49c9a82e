import { escapeMarkdown } from '../audit/report/markdown.js';
import { formatDuration, utcText } from '../readiness/format.js';
import { type ListedRecoveryReport, listedLine } from './listing.js';
import type { HealthAtFinish, RecoveryReport } from './types.js';

/** ARC's definition of actual recovery time, quoted in every report (the API reference, AbbreviatedExecution). */
export const ARC_RECOVERY_TIME_URL =
  'https://docs.aws.amazon.com/arc-region-switch/latest/api/API_AbbreviatedExecution.html';

const md = escapeMarkdown;
/** Ids (services, steps, executions, Slack users) as code spans: readable, and nothing in them is markup. */
const code = (id: string) => `\`${id.replace(/`/g, "'")}\``;
const when = (ms: number | undefined) => (ms === undefined ? '—' : utcText(ms));

/** The file name the report is posted and archived under (version 2 is the one posted when the alarms turned OK). */
export function reportFilename(report: Pick<RecoveryReport, 'service' | 'kind' | 'executionId' | 'version'>) {
  const base = `lifeboat-recovery-${report.service}-${report.kind}-${report.executionId.slice(0, 8)}`;
  return report.version > 1 ? `${base}-v${report.version}.md` : `${base}.md`;
}

/** The recovery time in one line (also the Slack comment posted with the file). */
export function recoveryLine(report: RecoveryReport, esc: (text: string) => string): string {
  const note = report.timeNote ? ` (${esc(report.timeNote)})` : '';
  if (report.outcome === 'aborted') return 'Aborted: the service did not recover through this execution.';
  if (report.recoveryMs === undefined)
    return report.health.kind === 'pending'
      ? `Actual recovery time not known yet: health alarm${report.health.alarms.length === 1 ? '' : 's'} ${report.health.alarms.map(esc).join(', ')} still in ALARM when the runbook finished${report.runbookMs === undefined ? '' : ` (runbook ${formatDuration(report.runbookMs)}${note})`}; this report is posted again when they are OK.`
      : 'Actual recovery time not known: the runbook start was not recorded.';
  const target =
    report.rtoTargetMs === undefined
      ? ''
      : `, RTO target ${formatDuration(report.rtoTargetMs)}: ${report.recoveryMs <= report.rtoTargetMs ? 'met' : 'missed'}`;
  return `Actual recovery time ${formatDuration(report.recoveryMs)}${note}${target}.`;
}

function healthLine(health: HealthAtFinish, r: RecoveryReport): string {
  const alarms = health.kind === 'pending' || health.kind === 'ok' ? health.alarms.map(md).join(', ') : '';
  switch (health.kind) {
    case 'no-alarms':
      return 'The plan routes no CloudWatch alarm to this service, so there was no health alarm to wait for: the actual recovery time is the runbook time alone.';
    case 'ok-at-finish':
      return 'No alarm of the service was in ALARM when the runbook finished: nothing to add to the runbook time.';
    case 'pending':
      return `Still in ALARM when the runbook finished: ${alarms}.`;
    case 'ok':
      return `In ALARM when the runbook finished (${alarms}); OK at ${utcText(health.okAtMs)}, ${formatDuration(r.healthWaitMs ?? 0)} after it.`;
  }
}

function dataLossLine(r: RecoveryReport): string {
  const target = r.rpoTargetMs === undefined ? '' : ` (RPO target ${formatDuration(r.rpoTargetMs)})`;
  switch (r.dataLoss.kind) {
    case 'none':
      return `None: ${r.dataLoss.why}.`;
    case 'measured':
      return `Up to ${formatDuration(r.dataLoss.lagMs)}${target}: the replication lag measured at approval (${utcText(r.dataLoss.measuredAtMs)}), the last measurement before the failover; writes newer than that in ${r.sourceRegion} may be lost.`;
    case 'not-measured':
      return `Not measured: the replication lag could not be measured at approval, so the writes lost in ${r.sourceRegion} are unknown${target}.`;
  }
}

/** The report as Markdown: deterministic (the same report gives the same bytes, hence the same archived hash). */
export function recoveryReportMarkdown(r: RecoveryReport): string {
  const note = r.timeNote ? ` (${md(r.timeNote)})` : '';
  const lines = [
    `# Recovery report: ${md(r.service)} ${r.kind}`,
    '',
    `Execution ${code(r.executionId)}, ${r.kind} ${r.mode} from ${r.sourceRegion} to ${r.targetRegion}: **${r.outcome}**.${r.version > 1 ? ` Version ${r.version}, replacing the one posted when the runbook finished.` : ''}`,
    '',
    '## Recovery time',
    '',
    `- ${recoveryLine(r, md)}`,
    `- Runbook time: ${r.runbookMs === undefined ? 'not recorded' : `${formatDuration(r.runbookMs)}${note}`} (${when(r.startedAtMs)} to ${when(r.finishedAtMs)}).`,
    `- Health alarms: ${healthLine(r.health, r)}`,
    `- Definition (AWS ARC Region switch, actual recovery time): the time for the plan to run added to the time elapsed until the application health alarms are healthy again. ${ARC_RECOVERY_TIME_URL}`,
    '',
    '## Data-loss window',
    '',
    `- ${dataLossLine(r)}`,
    '',
    '## People',
    '',
    `- Requested by ${code(r.requestedBy)} at ${utcText(r.requestedAtMs)}: ${md(r.reason)}`,
    ...(r.approvals.length === 0
      ? ['- Approved by: nobody recorded']
      : r.approvals.map((a) => `- Approved by ${code(a.userId)} at ${utcText(a.atMs)}`)),
    '',
    '## Steps',
    '',
    '| step | kind | outcome | Region | start | end | duration | attempts | note |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.steps.map((s) =>
      [
        code(s.id),
        s.kind ?? '',
        s.state,
        s.region ?? '',
        when(s.startedAtMs),
        when(s.finishedAtMs),
        s.durationMs === undefined ? '—' : `${formatDuration(s.durationMs)}${note}`,
        String(s.attempts),
        md([s.error, s.decidedBy ? `decided by ${s.decidedBy}` : undefined].filter(Boolean).join('; ')),
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    ),
    '',
    '## Pauses and choices',
    '',
    ...(r.events.length === 0
      ? ['None: no step failed and nobody had to choose.']
      : r.events.map(
          (ev) =>
            `- ${utcText(ev.atMs)} ${ev.what}${ev.stepId ? ` at step ${code(ev.stepId)}` : ''}${ev.attempt !== undefined ? ` (attempt ${ev.attempt})` : ''} by ${code(ev.actor)}${ev.detail ? `: ${md(ev.detail)}` : ''}`,
        )),
    ...(r.abortSummary ? ['', '## Where each resource was left', '', md(r.abortSummary)] : []),
    '',
  ];
  return lines.join('\n');
}

/** The `/dr report` file's section listing the period's recovery reports. */
export function recoveryListingMarkdown(listed: readonly ListedRecoveryReport[]): string {
  const lines = ['## Recovery reports', ''];
  if (listed.length === 0) lines.push('None in this period: no failover or failback finished.');
  for (const r of listed)
    lines.push(`- ${md(listedLine(r))} (execution ${code(r.executionId)}, SHA-256 ${r.sha256})`);
  return `${lines.join('\n')}\n`;
}
