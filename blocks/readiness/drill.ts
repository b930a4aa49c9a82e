import type { DrillStanding } from '../../src/drills/standing.js';
import { formatDuration } from '../../src/readiness/format.js';
import { escapeText, truncate } from '../escape.js';
import { simulated } from '../simulated.js';
import { slackDate } from './format.js';

/** The latest drill and its figures against the targets, and whether a passed drill is due, in mrkdwn. */
export function drillText(d: DrillStanding): string {
  const s = escapeText(d.service);
  const lines: string[] = [];
  const last = d.last;
  if (!last) lines.push(`:white_circle: *Last drill:* none on record for ${s}.`);
  else {
    const rto = `RTO ${formatDuration(last.rtoMs)} (target ${formatDuration(last.rtoTargetMs)})`;
    const rpo =
      last.rpoMs === undefined
        ? 'RPO not measured'
        : `RPO ${formatDuration(last.rpoMs)} (target ${formatDuration(last.rpoTargetMs)})`;
    lines.push(
      `${last.passed ? ':large_green_circle:' : ':red_circle:'} *Last drill:* ${last.passed ? 'passed' : 'failed'} ${slackDate(last.finishedAtMs)} — ${rto}, ${rpo}${simulated(last.timeNote)}`,
    );
    for (const reason of last.reasons.slice(0, 3))
      lines.push(`      ↳ _${escapeText(truncate(reason, 300))}_`);
  }
  const interval = formatDuration(d.intervalMs);
  if (d.status === 'overdue')
    lines.push(
      `:warning: *No passed drill within its drill interval (${interval})*${
        d.lastPassedAtMs === undefined
          ? ': none on record'
          : `: the last passed ${slackDate(d.lastPassedAtMs)}`
      }. Run \`/dr drill ${s}\`.`,
    );
  else if (d.status === 'due')
    lines.push(`:hourglass_flowing_sand: A drill is due by ${slackDate(d.dueAtMs)} (every ${interval}).`);
  else lines.push(`Next drill due by ${slackDate(d.dueAtMs)} (every ${interval}).`);
  return lines.join('\n');
}

/** One line per service whose drill is due or overdue, for the all-services summary (empty when none). */
export function drillsDueText(standings: readonly DrillStanding[]): string | undefined {
  const flagged = standings.filter((d) => d.status !== 'ok');
  if (flagged.length === 0) return undefined;
  return [
    '*Drills*',
    ...flagged.map((d) =>
      d.status === 'overdue'
        ? `:warning: *${escapeText(d.service)}*: no passed drill within ${formatDuration(d.intervalMs)}${
            d.last && !d.last.passed ? ` (the last one failed ${slackDate(d.last.finishedAtMs)})` : ''
          }`
        : `:hourglass_flowing_sand: *${escapeText(d.service)}*: drill due by ${slackDate(d.dueAtMs)}`,
    ),
  ].join('\n');
}
