import type { KnownBlock } from '@slack/types';
import type { FailoverMode, PlannedStep } from '../../src/approval/types.js';
import { formatDuration } from '../../src/readiness/format.js';
import { escapeText, truncate } from '../escape.js';
import { MAX_SECTION } from '../kit.js';
import { fitLines } from '../readiness/service.js';

export interface Message {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export const MODE_TITLE: Record<FailoverMode, string> = {
  planned: 'Planned switchover',
  unplanned: 'Unplanned failover',
};

/** The two modes in plain words (radio option descriptions are at most 75 characters). */
export const MODE_SUMMARY: Record<FailoverMode, string> = {
  planned: 'No data loss; needs the primary Region healthy (Aurora switchover, RPO 0)',
  unplanned: 'For an outage: may lose recent writes; replicas are promoted',
};

/** What each mode does, with the measured lag, for the person choosing. */
export function modeExplanation(lagMs: number | undefined): string {
  const lag = lagMs === undefined ? 'not measured right now' : `≈ ${formatDuration(lagMs)} right now`;
  return [
    `*${MODE_TITLE.planned}* waits until the recovery Region has every write, then swaps roles (Aurora \`SwitchoverGlobalCluster\`). Nothing is lost, but the primary Region must be working.`,
    `*${MODE_TITLE.unplanned}* does not wait: Aurora \`FailoverGlobalCluster\` with \`AllowDataLoss\`, RDS replicas promoted. Writes not yet replicated are lost — replication lag is ${lag}.`,
  ].join('\n');
}

/** Stage numbers: steps of one parallel group share a number. */
export function stageNumbers(steps: readonly { readonly parallelGroup?: number }[]): number[] {
  const out: number[] = [];
  let stage = 0;
  let lastGroup: number | undefined;
  for (const step of steps) {
    if (step.parallelGroup === undefined || step.parallelGroup !== lastGroup) stage++;
    lastGroup = step.parallelGroup;
    out.push(stage);
  }
  return out;
}

/** One line per planned step, irreversible ones flagged. */
export function plannedStepLines(steps: readonly PlannedStep[]): string[] {
  const stages = stageNumbers(steps);
  return steps.map((step, i) => {
    const estimate = step.estimateMs === undefined ? '' : ` _(≈ ${formatDuration(step.estimateMs)})_`;
    const parallel = step.parallelGroup === undefined ? '' : ' _in parallel_';
    const flag = step.irreversible ? ' :warning: *irreversible*' : '';
    return `${stages[i]}. \`${escapeText(step.id)}\` ${escapeText(truncate(step.action, 400))}${estimate}${parallel}${flag}`;
  });
}

export const fitSection = (lines: readonly string[]) => fitLines(lines, MAX_SECTION);

/** `<@U…>` for people, "Lifeboat" for the bot. */
export const who = (userId: string) => (userId === 'lifeboat' ? 'Lifeboat' : `<@${escapeText(userId)}>`);
