import type { Measured, Operation, ServiceReport } from './types.js';

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

export function readinessLine(report: ServiceReport): string {
  if (!report.readiness)
    return 'Readiness: no readiness changes recorded in this period, so no uptime figure';
  const n = report.readiness.regressions;
  return `Readiness: ${report.readiness.uptimePct}% of the period ready (${n} regression${n === 1 ? '' : 's'})`;
}

/** One operation as plain text; `user` renders a user id (e.g. as a Slack mention). */
export function operationLine(op: Operation, user: (id: string) => string): string {
  const approvers = op.approvers.length > 0 ? op.approvers.map(user).join(', ') : 'no approvals recorded';
  return `${op.kind} ${op.requestId} requested ${op.requestedAt} by ${user(op.requester)}, approved by ${approvers}: ${op.outcome}`;
}
