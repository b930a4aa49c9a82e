import type { KnownBlock } from '@slack/types';
import type { DrillStanding } from '../../src/drills/standing.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import { formatDuration } from '../../src/readiness/format.js';
import type { Check, Verdict } from '../../src/readiness/types.js';
import { severity, worstOfChecks } from '../../src/readiness/verdict.js';
import { escapeText, truncate } from '../escape.js';
import { ActionId, BlockId } from '../ids.js';
import { MAX_SECTION, section } from '../kit.js';
import { drillText } from './drill.js';
import {
  checkFigure,
  rpoLine,
  rtoLine,
  slackDate,
  VERDICT_EMOJI,
  VERDICT_LABEL,
  worstReason,
} from './format.js';
import { offersFailover, operatingText, plainOperating } from './operating.js';

export interface Message {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** Resource rows shown one by one; beyond this, ready resources are counted per kind (50 blocks per message). */
export const MAX_RESOURCE_ROWS = 40;

interface ResourceRow {
  readonly id: string;
  readonly kind: string;
  readonly verdict: Verdict;
  readonly checks: readonly Check[];
}

function resourceRows(result: ServiceReadiness): ResourceRow[] {
  const byId = new Map<string, Check[]>();
  for (const check of result.checks)
    byId.set(check.resourceId, [...(byId.get(check.resourceId) ?? []), check]);
  const rows = result.resources.map((r, index) => {
    const checks = byId.get(r.id) ?? [];
    return { id: r.id, kind: r.kind, verdict: worstOfChecks(checks), checks, index };
  });
  rows.sort((a, b) => severity(b.verdict) - severity(a.verdict) || a.index - b.index);
  return rows;
}

function rowText(row: ResourceRow): string {
  const lines = [`${VERDICT_EMOJI[row.verdict]} *${escapeText(row.id)}*  _${row.kind}_`];
  for (const check of row.checks) {
    lines.push(`• ${VERDICT_EMOJI[check.verdict]} ${checkFigure(check)}`);
    if (check.verdict !== 'ready') lines.push(`      ↳ _${escapeText(truncate(check.reason, 500))}_`);
  }
  return fitLines(lines, MAX_SECTION);
}

/** Joins lines, dropping the tail with a count when the text would exceed `max`. */
export function fitLines(lines: readonly string[], max: number): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const next = out ? `${out}\n${lines[i]}` : (lines[i] ?? '');
    const rest = lines.length - i;
    if (next.length > max - 40 && rest > 1) return `${out}\n…and ${rest} more line(s)`;
    out = next;
  }
  return truncate(out, max);
}

function readySummary(rows: readonly ResourceRow[]): string {
  const perKind = new Map<string, { resources: number; checks: number }>();
  for (const row of rows) {
    const entry = perKind.get(row.kind) ?? { resources: 0, checks: 0 };
    perKind.set(row.kind, { resources: entry.resources + 1, checks: entry.checks + row.checks.length });
  }
  const parts = [...perKind.entries()].map(([kind, n]) => `${n.resources} × ${kind} (${n.checks} checks)`);
  return `${VERDICT_EMOJI.ready} *Ready:* ${parts.join(', ')}`;
}

/** `/dr status <service>`: per-resource rows with measured vs target, estimates, when, and what to do next. */
export function serviceStatusMessage(result: ServiceReadiness, drill?: DrillStanding): Message {
  const back = result.direction === 'failback';
  const label = `${VERDICT_LABEL[result.verdict]}${back ? ' to fail back' : ''}`;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: BlockId.readinessHeader,
      text: { type: 'plain_text', text: truncate(`${result.service}: ${label}`, 150), emoji: true },
    },
    ...(result.operating ? [section(operatingText(result.operating), BlockId.readinessOperating)] : []),
    {
      type: 'section',
      block_id: BlockId.readinessSummary,
      fields: [
        { type: 'mrkdwn', text: `*RPO*\n${rpoLine(result)}` },
        { type: 'mrkdwn', text: `*RTO*\n${rtoLine(result)}` },
        {
          type: 'mrkdwn',
          text: back
            ? `*Direction*\nfailback ${escapeText(result.recoveryRegion)} → ${escapeText(result.primaryRegion)}`
            : `*Regions*\n${escapeText(result.primaryRegion)} → ${escapeText(result.recoveryRegion)}`,
        },
        {
          type: 'mrkdwn',
          text: `*Checked*\n${slackDate(result.checkedAt)} (${formatDuration(result.durationMs)})`,
        },
      ],
    },
    ...(drill ? [section(drillText(drill), BlockId.readinessDrill)] : []),
    { type: 'divider' },
  ];
  const rows = resourceRows(result);
  if (rows.length <= MAX_RESOURCE_ROWS) {
    for (const row of rows) blocks.push(section(rowText(row)));
  } else {
    const problems = rows.filter((r) => r.verdict !== 'ready');
    const shown = problems.slice(0, MAX_RESOURCE_ROWS - 1);
    for (const row of shown) blocks.push(section(rowText(row)));
    const hidden = problems.slice(shown.length);
    if (hidden.length > 0) {
      const ids = hidden.map((r) => `${VERDICT_EMOJI[r.verdict]} ${escapeText(r.id)}`).join(', ');
      blocks.push(section(`*…and ${hidden.length} more resources not ready:* ${ids}`));
    }
    const ready = rows.filter((r) => r.verdict === 'ready');
    if (ready.length > 0) blocks.push(section(readySummary(ready)));
  }
  blocks.push(
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${VERDICT_EMOJI.unknown} unknown = could not measure (permission, timeout, throttling); never counted as ready. A failover needs a second, different approver.`,
        },
      ],
    },
    {
      type: 'actions',
      block_id: BlockId.readinessActions,
      elements: [
        {
          type: 'button',
          action_id: ActionId.readinessRecheck,
          text: { type: 'plain_text', text: 'Re-check' },
          value: result.service,
          style: 'primary',
        },
        // A service running in its recovery Region is brought home with /dr failback, never failed over again.
        ...(offersFailover(result.operating)
          ? ([
              {
                type: 'button',
                action_id: ActionId.readinessDryRun,
                text: { type: 'plain_text', text: 'Dry-run' },
                value: result.service,
              },
              {
                type: 'button',
                action_id: ActionId.readinessRequestFailover,
                text: { type: 'plain_text', text: 'Request failover' },
                style: 'danger',
                value: result.service,
              },
            ] as const)
          : []),
      ],
    },
  );
  const why = worstReason(result);
  const drillNote =
    drill?.status === 'overdue' ? ` No passed drill within ${formatDuration(drill.intervalMs)}.` : '';
  const where = result.operating ? `${plainOperating(result.operating)}. ` : '';
  const text = `${result.service}: ${label}. ${where}${plain(rpoLine(result))}; ${plain(rtoLine(result))}.${why ? ` ${why}` : ''}${drillNote}`;
  return { text: truncate(escapeText(text), MAX_SECTION), blocks };
}

/** Strips the emoji shortcode prefix from a line, for fallback text. */
export function plain(line: string): string {
  return line.replace(/^:[a-z_]+: /, '');
}
