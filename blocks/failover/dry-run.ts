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
