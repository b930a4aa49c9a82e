import type { HomeView, KnownBlock } from '@slack/types';
import type { IncidentRecord } from '../../src/domain/records.js';
import type { DrillStanding } from '../../src/drills/standing.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import { formatDuration } from '../../src/readiness/format.js';
import { escapeText, truncate } from '../escape.js';
import { BlockId } from '../ids.js';
import { context, MAX_SECTION, section } from '../kit.js';
import { simulated } from '../simulated.js';
import { slackDate } from './format.js';
import { serviceCardText, tally } from './summary.js';

/** A failover or failback request the viewer may approve (not theirs, they are an approver of the service). */
export interface AwaitingApproval {
  readonly id: string;
  readonly service: string;
  readonly kind: 'failover' | 'failback';
  readonly mode: string;
  readonly requestedBy: string;
  readonly reason: string;
  readonly createdAtMs: number;
  readonly deadlineMs: number;
  readonly channel: string;
  /** The card's permalink, when Slack gave it. */
  readonly permalink?: string;
}

/** What App Home shows besides readiness; each part absent when its feature is not wired (or failed: `error`). */
export interface HomeExtras {
  readonly incidents?: readonly IncidentRecord[] | { readonly error: string };
  readonly awaiting?: readonly AwaitingApproval[] | { readonly error: string };
  readonly drills?: ReadonlyMap<string, DrillStanding>;
  /** Services whose readiness is still being measured (the tab is shown before they finish). */
  readonly checking?: readonly string[];
}

/** Home tab blocks: 100 per view. Header, summary, divider, then up to 4 blocks per service, then a footer. */
const MAX_HOME_BLOCKS = 100;

const who = (id: string) => (id === 'lifeboat' ? 'Lifeboat (from an alarm)' : `<@${escapeText(id)}>`);
const failed = <T>(x: readonly T[] | { readonly error: string } | undefined): string | undefined =>
  x !== undefined && 'error' in x ? x.error : undefined;
const listOf = <T>(x: readonly T[] | { readonly error: string } | undefined): readonly T[] =>
  x === undefined || 'error' in x ? [] : x;

function incidentLine(i: IncidentRecord): string {
  const alarms = Object.values(i.alarms).filter((a) => a.state === 'ALARM').length;
  const where = `<#${escapeText(i.channel)}>`;
  return `:rotating_light: *Open incident* since ${slackDate(i.openedAtMs)} in ${where}: ${alarms} alarm(s) in ALARM${i.acknowledgedBy ? `, acknowledged by ${who(i.acknowledgedBy)}` : ', not acknowledged'}`;
}

function awaitingLine(a: AwaitingApproval): string {
  const open =
    a.permalink && /^https?:\/\/[^\s|<>]+$/.test(a.permalink)
      ? ` <${a.permalink}|Open the request>`
      : ` in <#${escapeText(a.channel)}>`;
  return `:raised_hand: *Awaiting your approval:* ${escapeText(a.mode)} ${a.kind} requested by ${who(a.requestedBy)} ${slackDate(a.createdAtMs)}, expires ${slackDate(a.deadlineMs)}:${open}\n>${escapeText(truncate(a.reason, 300))}`;
}

function drillLine(d: DrillStanding): string {
  const last = d.last;
  const head = last
    ? `${last.passed ? ':large_green_circle:' : ':red_circle:'} *Last drill* ${last.passed ? 'passed' : 'failed'} ${slackDate(last.finishedAtMs)}: RTO ${formatDuration(last.rtoMs)} (target ${formatDuration(last.rtoTargetMs)})${simulated(last.timeNote)}`
    : ':white_circle: *Last drill:* none on record';
  const due =
    d.status === 'overdue'
      ? ` · :warning: no passed drill within ${formatDuration(d.intervalMs)}`
      : ` · next due by ${slackDate(d.dueAtMs)}`;
  return `${head}${due}`;
}

/**
 * App Home, per service: where it runs and its readiness (the /dr status card), its open incidents, the
 * requests awaiting the viewer's approval and its last drill. Services needing attention come first (callers
 * pass readiness worst first; a service with an incident or a request for the viewer moves to the top).
 */
export function appHomeView(results: readonly ServiceReadiness[], extras: HomeExtras = {}): HomeView {
  const incidents = listOf(extras.incidents);
  const awaiting = listOf(extras.awaiting);
  const attention = (s: string) =>
    (incidents.some((i) => i.service === s && !i.unrouted) ? 2 : 0) +
    (awaiting.some((a) => a.service === s) ? 1 : 0);
  const ordered = [...results].sort((a, b) => attention(b.service) - attention(a.service));
  const problems = [failed(extras.incidents), failed(extras.awaiting)].filter(
    (x): x is string => x !== undefined,
  );
  const header: KnownBlock[] = [
    {
      type: 'header',
      block_id: BlockId.readinessHeader,
      text: { type: 'plain_text', text: 'Lifeboat: your services', emoji: true },
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
              : truncate(
                  `${results.length} service(s): ${tally(results)} · ${incidents.length} open incident(s) · ${awaiting.length} request(s) awaiting your approval. Checked ${slackDate(Math.max(0, ...results.map((r) => r.checkedAt)))}; reopen this tab to refresh.${problems.length > 0 ? ` Could not read: ${escapeText(problems.join('; '))}.` : ''}`,
                  MAX_SECTION,
                ),
        },
      ],
    },
  ];
  const checking = extras.checking ?? [];
  if (checking.length > 0)
    header.push(
      context(
        truncate(
          `:hourglass_flowing_sand: Still checking ${checking.length} service(s): ${checking.map(escapeText).join(', ')}. This tab updates when they finish.`,
          2_000,
        ),
      ),
    );
  const footer = context('`/dr status <service>` shows every check; `/dr help` lists commands.');
  const blocks: KnownBlock[] = [...header];
  const room = MAX_HOME_BLOCKS - header.length - 2;
  let shown = 0;
  for (const r of ordered) {
    const lines: string[] = [];
    for (const i of incidents.filter((x) => x.service === r.service)) lines.push(incidentLine(i));
    for (const a of awaiting.filter((x) => x.service === r.service)) lines.push(awaitingLine(a));
    const drill = extras.drills?.get(r.service);
    if (drill) lines.push(drillLine(drill));
    const part: KnownBlock[] = [{ type: 'divider' }, section(serviceCardText(r))];
    if (lines.length > 0) part.push(section(lines.join('\n')));
    if (blocks.length - header.length + part.length > room) break;
    blocks.push(...part);
    shown++;
  }
  if (shown < ordered.length)
    blocks.push(context(`…and ${ordered.length - shown} more services: \`/dr status\` lists them all.`));
  blocks.push(footer);
  return { type: 'home', blocks };
}
