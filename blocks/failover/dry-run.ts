import type { KnownBlock } from '@slack/types';
import type { DryRunView } from '../../src/approval/types.js';
import { formatDuration } from '../../src/readiness/format.js';
import { escapeText, truncate } from '../escape.js';
import { context, section } from '../kit.js';
import { fitSection, type Message, MODE_TITLE, plannedStepLines } from './format.js';

/** Blocks describing exactly what one mode would do now: steps in order, irreversible ones flagged. */
export function dryRunBlocks(
  dryRun: DryRunView | { readonly mode: DryRunView['mode']; readonly error: string },
): KnownBlock[] {
  const title = `*What ${MODE_TITLE[dryRun.mode].toLowerCase()} would do*`;
  if (!('steps' in dryRun) || dryRun.error !== undefined)
    return [
      section(
        `${title}\n:x: Cannot run now: ${escapeText(truncate(dryRun.error ?? 'unknown error', 1_000))}`,
      ),
    ];
  const estimate = dryRun.estimateMs === undefined ? '' : ` — about ${formatDuration(dryRun.estimateMs)}`;
  const blocks: KnownBlock[] = [
    section(fitSection([`${title}${estimate}`, ...plannedStepLines(dryRun.steps)])),
  ];
  if (dryRun.warnings.length > 0)
    blocks.push(
      context(
        fitSection(dryRun.warnings.slice(0, 10).map((w) => `:warning: ${escapeText(truncate(w, 300))}`)),
      ),
    );
  return blocks;
}

/** The ephemeral answer to `/dr failover <service> --dry-run` and the Dry-run button. Nothing is changed. */
export function dryRunMessage(
  service: string,
  dryRuns: readonly (DryRunView | { readonly mode: DryRunView['mode']; readonly error: string })[],
): Message {
  const blocks: KnownBlock[] = [
    section(`:clipboard: *Dry-run: failover of ${escapeText(service)}* — nothing was changed.`),
  ];
  for (const dryRun of dryRuns) blocks.push({ type: 'divider' }, ...dryRunBlocks(dryRun));
  return { text: `Dry-run of the ${service} failover: nothing was changed.`, blocks };
}

/** At most this many services in one ordered dry-run: 1 + 7 blocks each stays within Slack's 50 blocks. */
export const MAX_ORDERED_SERVICES = 6;

/** One service of an ordered dry-run: its place, what it waits for, and its dry-runs of both modes. */
export interface OrderedDryRun {
  readonly service: string;
  /** Services of the request it starts after (it recovers `after:` them). */
  readonly after: readonly string[];
  readonly dryRuns: readonly (DryRunView | { readonly mode: DryRunView['mode']; readonly error: string })[];
}

/**
 * The answer to `/dr failover <service> <service>… --dry-run`: the order the services would fail over in (each after
 * the services its plan entry names in `after:`), then each service's dry-run. Nothing is changed.
 */
export function orderedDryRunMessage(order: readonly OrderedDryRun[]): Message {
  const names = order.map((o) => o.service);
  const shown = order.slice(0, MAX_ORDERED_SERVICES);
  const steps = shown.map(
    (o, i) =>
      `${i + 1}. \`${escapeText(o.service)}\`${o.after.length > 0 ? ` — after ${o.after.map((a) => `\`${escapeText(a)}\``).join(', ')} (plan: \`after\`)` : ''}`,
  );
  const blocks: KnownBlock[] = [
    section(
      fitSection([
        `:clipboard: *Dry-run: failover of ${names.map(escapeText).join(', ')}, in this order* — nothing was changed.`,
        ...steps,
        ...(order.length > shown.length
          ? [
              `…and ${order.length - shown.length} more: dry-run them on their own with \`/dr failover <service> --dry-run\`.`,
            ]
          : []),
      ]),
    ),
  ];
  shown.forEach((o, i) => {
    blocks.push({ type: 'divider' }, section(`*${i + 1}. ${escapeText(o.service)}*`));
    o.dryRuns.forEach((d, j) => {
      if (j > 0) blocks.push({ type: 'divider' });
      blocks.push(...dryRunBlocks(d));
    });
  });
  return {
    text: `Dry-run of the failover of ${names.join(', ')} in this order: nothing was changed.`,
    blocks,
  };
}
