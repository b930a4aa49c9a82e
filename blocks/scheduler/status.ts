import type { KnownBlock } from '@slack/types';
import { PROBE_JOB_PREFIX } from '../../src/probes/jobs.js';
import type { JobStatus } from '../../src/scheduler/types.js';
import { escapeText, truncate } from '../escape.js';
import { slackDate } from '../readiness/format.js';

function lastRunText(job: JobStatus): string {
  const last = job.lastRun;
  if (!last) return 'never ran';
  const how =
    last.state === 'failed'
      ? ` :x: failed${last.error ? ` (${escapeText(truncate(last.error, 120))})` : ''}`
      : last.state === 'running'
        ? ' (running)'
        : '';
  return `last ran ${slackDate(last.startedAtMs)}${last.late ? ' (late)' : ''}${how}`;
}

function nextRunText(job: JobStatus): string {
  return job.nextRunAt === undefined ? 'not scheduled here' : `next ${slackDate(job.nextRunAt)}`;
}

/** One line per scheduled job (probes summarised in one line), for `/dr status`. */
export function scheduleLines(jobs: readonly JobStatus[]): string[] {
  const probes = jobs.filter((j) => j.name.startsWith(PROBE_JOB_PREFIX));
  const lines = jobs
    .filter((j) => !j.name.startsWith(PROBE_JOB_PREFIX))
    .map((j) => `*${escapeText(j.description)}*: ${lastRunText(j)}, ${nextRunText(j)}`);
  if (probes.length > 0) {
    const failed = probes.filter((p) => p.lastRun?.state === 'failed').length;
    const latest = probes.reduce((max, p) => Math.max(max, p.lastRun?.startedAtMs ?? 0), 0);
    const next = probes.reduce(
      (min, p) => Math.min(min, p.nextRunAt ?? Number.POSITIVE_INFINITY),
      Number.POSITIVE_INFINITY,
    );
    lines.push(
      `*${probes.length} outside-in probe(s)*: ${latest > 0 ? `last ran ${slackDate(latest)}` : 'never ran'}${
        failed > 0 ? `, ${failed} last run(s) failed` : ''
      }${Number.isFinite(next) ? `, next ${slackDate(next)}` : ''}`,
    );
  }
  return lines;
}

/** A context block listing the scheduled jobs, or nothing when there are none. */
export function scheduleContextBlocks(jobs: readonly JobStatus[]): KnownBlock[] {
  const lines = scheduleLines(jobs);
  if (lines.length === 0) return [];
  return [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(`:clock3: Scheduled: ${lines.join('\n')}`, 3_000) }],
    },
  ];
}
