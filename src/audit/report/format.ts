import { formatDuration as humanDuration } from '../../readiness/format.js';
import type { Finding, Measured, Operation, ServiceReport } from './types.js';

/** How a renderer writes a time (ISO text from the audit log): Slack's date token, or UTC text in the file. */
export type TimeText = (iso: string) => string;

/** Text pieces shared by the Slack and Markdown renderings of the compliance report. */

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
}

/** " (simulated AWS at 60x)" after a figure that is not wall-clock time; `escapeNote` renders the note's text. */
export function timeNoteSuffix(timeNote: string | undefined, escapeNote: (text: string) => string): string {
  return timeNote ? ` (${escapeNote(timeNote)})` : '';
}

/**
 * "RTO: worst 20m, latest 10m over 2 drills (target 15m) — MISSED target". A figure whose drill's time is
 * not wall-clock time (the sandbox) carries its note; one shared by both figures is said once, after them.
 */
export function formatMeasured(
  label: string,
  value: Measured | undefined,
  targetMs: number | undefined,
  escapeNote: (text: string) => string = (text) => text,
): string {
  const target = targetMs === undefined ? 'no target in the plan' : `target ${formatDuration(targetMs)}`;
  if (!value) return `${label}: not measured in this period (${target})`;
  const verdict =
    value.withinTarget === undefined ? '' : value.withinTarget ? ' — within target' : ' — MISSED target';
  const note = (timeNote: string | undefined) => timeNoteSuffix(timeNote, escapeNote);
  if (value.samples <= 1)
    return `${label}: worst ${formatDuration(value.worstMs)}${note(value.worstNote)} (${target})${verdict}`;
  const shared = value.worstNote === value.latestNote;
  const worst = `worst ${formatDuration(value.worstMs)}${shared ? '' : note(value.worstNote)}`;
  const latest = shared
    ? `latest ${formatDuration(value.latestMs)} over ${value.samples} drills${note(value.latestNote)}`
    : `latest ${formatDuration(value.latestMs)}${note(value.latestNote)} over ${value.samples} drills`;
  return `${label}: ${worst}, ${latest} (${target})${verdict}`;
}

export function drillsLine(report: ServiceReport): string {
  const passed = report.drills.filter((d) => d.outcome === 'passed').length;
  const failed = report.drills.length - passed;
  if (report.drills.length === 0) return 'Drills: none recorded in this period';
  return `Drills: ${report.drills.length} run (${passed} passed, ${failed} failed)`;
}

/** "ready 99.2% of the 14 min observed since <when> (1 regression)": what was measured, over which time. */
export function readinessLine(report: ServiceReport, time: TimeText): string {
  const r = report.readiness;
  if (!r) return 'Readiness: no readiness changes recorded in this period, so no uptime figure';
  const n = r.regressions;
  const over =
    r.observedMs !== undefined && r.observedFrom !== undefined
      ? ` of the ${humanDuration(r.observedMs)} observed since ${time(r.observedFrom)}`
      : ' of the period';
  return `Readiness: ready ${r.uptimePct}%${over} (${n} regression${n === 1 ? '' : 's'})`;
}

const OUTCOME: Record<Operation['outcome'], string> = {
  completed: 'completed',
  aborted: 'aborted part-way',
  declined: 'declined',
  expired: 'expired without enough approvals',
  'in progress': 'still running',
  'awaiting approval': 'awaiting approval',
};

/**
 * One operation as text: "failover r1 requested by @alice <when>, approved by @bob: completed", or
 * "…: declined by @carol". `user` renders a user id (e.g. as a Slack mention), `time` a time.
 */
export function operationLine(op: Operation, user: (id: string) => string, time: TimeText): string {
  const approved = op.approvers.length > 0 ? `, approved by ${op.approvers.map(user).join(', ')}` : '';
  const outcome =
    op.outcome === 'declined' && op.declinedBy ? `declined by ${user(op.declinedBy)}` : OUTCOME[op.outcome];
  return `${op.kind} ${op.requestId} requested by ${user(op.requester)} ${time(op.requestedAt)}${approved}: ${outcome}`;
}

/** One finding: its title, who it names and when; `safe` renders text from users and AWS. */
export function findingLine(
  f: Finding,
  user: (id: string) => string,
  time: TimeText,
  safe: (text: string) => string,
): string {
  const who =
    f.actor === undefined
      ? ''
      : f.kind === 'request-declined'
        ? ` by ${user(f.actor)}`
        : ` (${user(f.actor)})`;
  const severity = f.severity ? ` [${safe(f.severity)}]` : '';
  return `${safe(f.title)}${who}${severity}, ${time(f.at)}`;
}
