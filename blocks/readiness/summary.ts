import type { HomeView, KnownBlock } from '@slack/types';
import type { DrillStanding } from '../../src/drills/standing.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { JobStatus } from '../../src/scheduler/types.js';
import { escapeText, truncate } from '../escape.js';
import { BlockId } from '../ids.js';
import { scheduleContextBlocks } from '../scheduler/status.js';
import { drillsDueText } from './drill.js';
import { rpoLine, rtoLine, slackDate, VERDICT_EMOJI, VERDICT_LABEL, worstReason } from './format.js';
import { operatingText } from './operating.js';
import type { Message } from './service.js';

/** One compact line-card per service (mrkdwn, escaped). */
export function serviceCardText(result: ServiceReadiness): string {
  const why = worstReason(result);
  const back = result.direction === 'failback';
  const regions = back
    ? `failback ${escapeText(result.recoveryRegion)} → ${escapeText(result.primaryRegion)}`
    : `${escapeText(result.primaryRegion)} → ${escapeText(result.recoveryRegion)}`;
  const lines = [
    `${VERDICT_EMOJI[result.verdict]} *${escapeText(result.service)}*: ${VERDICT_LABEL[result.verdict]}${back ? ' to fail back' : ''}  ·  ${regions}`,
    ...(result.operating ? [operatingText(result.operating)] : []),
    `${rpoLine(result)}   ${rtoLine(result)}`,
  ];
  if (why) lines.push(`_${escapeText(truncate(why, 600))}_`);
  return lines.join('\n');
}

export function tally(results: readonly ServiceReadiness[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  return (['not_ready', 'unknown', 'degraded', 'ready'] as const)
    .filter((v) => counts.has(v))
    .map((v) => `${counts.get(v)} ${VERDICT_LABEL[v].toLowerCase()}`)
    .join(', ');
}

/** Service cards, worst first, capped so the surface's block limit holds; the rest are counted. */
function cards(results: readonly ServiceReadiness[], maxCards: number): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const shown = results.slice(0, maxCards);
  for (const result of shown) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(serviceCardText(result), 3_000) },
    });
  }
  const hidden = results.slice(shown.length);
  if (hidden.length > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${hidden.length} more services (${tally(hidden)}).` }],
    });
  }
  return blocks;
}

function newest(results: readonly ServiceReadiness[]): number {
  return results.reduce((max, r) => Math.max(max, r.checkedAt), 0);
}

/**
 * `/dr status`: every service, one compact card each, worst first (callers pass them sorted), and when
 * each scheduled job last ran and runs next.
 */
export function statusSummaryMessage(
  results: readonly ServiceReadiness[],
  schedule: readonly JobStatus[] = [],
  drills: readonly DrillStanding[] = [],
): Message {
  const due = drillsDueText(drills);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: BlockId.readinessHeader,
      text: { type: 'plain_text', text: 'DR readiness', emoji: true },
    },
    {
      type: 'context',
      block_id: BlockId.readinessSummary,
      elements: [
        {
          type: 'mrkdwn',
          text: `${results.length} service(s): ${tally(results) || 'none'}. Checked ${slackDate(newest(results))}.`,
        },
      ],
    },
    { type: 'divider' },
    ...cards(results, due ? 43 : 44),
    ...(due
      ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: truncate(due, 3_000) } }]
      : []),
    ...scheduleContextBlocks(schedule),
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: '`/dr status <service>` shows every check with measured vs target.' },
      ],
    },
  ];
  const text = `DR readiness: ${tally(results) || 'no services'}. ${results
    .slice(0, 20)
    .map((r) => `${r.service} ${VERDICT_LABEL[r.verdict].toLowerCase()}`)
    .join(', ')}`;
  return { text: truncate(escapeText(text), 3_000), blocks };
}

/** App Home: readiness of every service (100 blocks per Home tab). */
export function readinessHomeView(results: readonly ServiceReadiness[]): HomeView {
  return {
    type: 'home',
    blocks: [
      {
        type: 'header',
        block_id: BlockId.readinessHeader,
        text: { type: 'plain_text', text: 'Lifeboat: DR readiness', emoji: true },
      },
      {
        type: 'context',
        block_id: BlockId.readinessSummary,
        elements: [
          {
            type: 'mrkdwn',
            text:
              results.length === 0
                ? 'No services in the DR plan.'
                : `${results.length} service(s): ${tally(results)}. Checked ${slackDate(newest(results))}; reopen this tab to refresh.`,
          },
        ],
      },
      { type: 'divider' },
      ...cards(results, 90),
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '`/dr status <service>` shows every check; `/dr help` lists commands.' },
        ],
      },
    ],
  };
}

/** Home tab while the first checks run. */
export function readinessHomeLoadingView(): HomeView {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Lifeboat: DR readiness', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: Checking every service…' } },
    ],
  };
}

/** Home tab when the checks could not run at all. */
export function readinessHomeErrorView(reason: string): HomeView {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Lifeboat: DR readiness', emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(`:x: Readiness could not be checked: ${escapeText(reason)}`, 3_000),
        },
      },
    ],
  };
}
