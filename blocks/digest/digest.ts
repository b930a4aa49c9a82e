import type { KnownBlock } from '@slack/types';
import type { DigestModel, DigestServiceRow } from '../../src/scheduler/digest-model.js';
import { localDay } from '../../src/scheduler/time.js';
import { escapeText, truncate } from '../escape.js';
import { rpoLine, rtoLine, slackDate, VERDICT_EMOJI, VERDICT_LABEL } from '../readiness/format.js';
import { operatingText } from '../readiness/operating.js';
import type { Message } from '../readiness/service.js';

/** Service sections shown one by one; Slack allows 50 blocks per message and the digest needs ~8 others. */
export const MAX_SERVICE_SECTIONS = 38;
const MAX_LIST = 15;

function changeText(row: DigestServiceRow): string {
  const now = row.readiness?.verdict;
  const parts: string[] = [];
  if (row.previousVerdict && now && row.previousVerdict !== now)
    parts.push(`was ${VERDICT_LABEL[row.previousVerdict]} at the last digest`);
  else if (row.previousVerdict && now) parts.push('unchanged since the last digest');
  if (row.regressions24h > 0) parts.push(`regressed ${row.regressions24h}× in 24 h`);
  if (row.recoveries24h > 0) parts.push(`recovered ${row.recoveries24h}× in 24 h`);
  return parts.join(', ');
}

function drillText(row: DigestServiceRow): string {
  const { drill } = row;
  const last =
    drill.lastAtMs !== undefined
      ? `last passed drill ${slackDate(drill.lastAtMs)}`
      : 'no passed drill on record';
  if (drill.status === 'overdue') return `:rotating_light: drill overdue (${last})`;
  if (drill.status === 'due') return `:calendar: drill due by ${slackDate(drill.dueAtMs)} (${last})`;
  return `drill: ${last}`;
}

export function serviceDigestText(row: DigestServiceRow): string {
  const name = `*${escapeText(row.service)}*`;
  if (!row.readiness)
    return `${VERDICT_EMOJI.unknown} ${name}: readiness could not be checked\n${drillText(row)}`;
  const r = row.readiness;
  const change = changeText(row);
  return [
    `${VERDICT_EMOJI[r.verdict]} ${name}: ${VERDICT_LABEL[r.verdict]}${r.direction === 'failback' ? ' to fail back' : ''}${change ? `  ·  ${change}` : ''}`,
    // Where the service runs now, and the direction readiness was measured in (docs/state.md).
    ...(r.operating ? [operatingText(r.operating)] : []),
    `${rpoLine(r)}   ${rtoLine(r)}`,
    drillText(row),
  ].join('\n');
}

function listSection(title: string, items: readonly string[] | undefined): KnownBlock {
  const body =
    items === undefined
      ? '_not tracked yet_'
      : items.length === 0
        ? 'none'
        : [
            ...items.slice(0, MAX_LIST).map((i) => `• ${i}`),
            ...(items.length > MAX_LIST ? [`…and ${items.length - MAX_LIST} more`] : []),
          ].join('\n');
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${title}*\n${body}`, 3_000) } };
}

/** The daily digest posted to the plan's digest channel. Pure; every plan or AWS text is escaped. */
export function digestMessage(model: DigestModel): Message {
  const day = localDay(model.atMs, model.timezone);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `DR digest ${day}`, emoji: true } },
  ];
  if (model.lateForMs !== undefined) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `:hourglass: *Late:* this digest was due ${slackDate(model.lateForMs)} but Lifeboat was not running then; posted once, now.`,
        },
      ],
    });
  }
  const counts = new Map<string, number>();
  for (const row of model.services) {
    const v = row.readiness?.verdict ?? 'unknown';
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const tally = (['not_ready', 'unknown', 'degraded', 'ready'] as const)
    .filter((v) => counts.has(v))
    .map((v) => `${counts.get(v)} ${VERDICT_LABEL[v].toLowerCase()}`)
    .join(', ');
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${model.services.length} service(s): ${tally || 'none'}. Measured ${slackDate(model.atMs)}${
          model.previousAtMs !== undefined
            ? `; compared with the digest of ${slackDate(model.previousAtMs)}`
            : ''
        }.`,
      },
    ],
  });
  blocks.push({ type: 'divider' });
  const shown = model.services.slice(0, MAX_SERVICE_SECTIONS);
  for (const row of shown) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(serviceDigestText(row), 3_000) } });
  }
  if (model.services.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${model.services.length - shown.length} more services.` }],
    });
  }
  blocks.push({ type: 'divider' });
  blocks.push(
    ...(model.backupRegressions
      ? [
          listSection(
            'Backup regressions',
            model.backupRegressions.map(
              (b) =>
                `${escapeText(b.service)}${b.resource ? ` \`${escapeText(b.resource)}\`` : ''}: ${escapeText(truncate(b.detail, 300))}`,
            ),
          ),
        ]
      : []),
    listSection(
      'Drill resources still running',
      model.drillResources?.map(
        (d) => `${escapeText(d.service)}: \`${escapeText(d.resource)}\` since ${slackDate(d.sinceMs)}`,
      ),
    ),
    listSection(
      'Open incidents',
      model.openIncidents?.map(
        (i) =>
          `${escapeText(i.service)}: ${escapeText(truncate(i.title ?? i.id, 150))} (opened ${slackDate(i.openedAtMs)})`,
      ),
    ),
    listSection(
      'Executions in progress',
      model.activeExecutions?.map(
        (e) =>
          `${escapeText(e.service)}: ${escapeText(e.kind)} ${escapeText(e.state)} (since ${slackDate(e.createdAtMs)})`,
      ),
    ),
  );
  const worst = model.services
    .filter((r) => r.readiness && r.readiness.verdict !== 'ready')
    .slice(0, 10)
    .map((r) => `${r.service} ${VERDICT_LABEL[r.readiness?.verdict ?? 'unknown'].toLowerCase()}`);
  const overdue = model.services.filter((r) => r.drill.status === 'overdue').length;
  const text = `DR digest ${day}${model.lateForMs !== undefined ? ' (late)' : ''}: ${tally || 'no services'}${
    worst.length > 0 ? ` (${worst.join(', ')})` : ''
  }${overdue > 0 ? `; ${overdue} drill(s) overdue` : ''}.`;
  return { text: truncate(escapeText(text), 3_000), blocks };
}
