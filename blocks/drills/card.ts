import type { ActionsBlock, KnownBlock } from '@slack/types';
import { type Timeline, wallTimeline } from '../../src/domain/timeline.js';
import { overTarget } from '../../src/drills/results.js';
import type { Drill, DrillState, DrillStepRecord } from '../../src/drills/types.js';
import { formatDuration } from '../../src/readiness/format.js';
import { escapeText, truncate } from '../escape.js';
import { ActionId, BlockId } from '../ids.js';
import { button, context, section } from '../kit.js';
import { slackDate } from '../readiness/format.js';
import { simulated, simulatedDurations } from '../simulated.js';

export interface Message {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

const STATE_LINE: Record<DrillState, string> = {
  pendingApproval: ':hourglass_flowing_sand: Waiting for approval',
  running: ':arrow_forward: Recovering in the recovery Region',
  awaitingCleanup: ':white_check_mark: Measured — drill resources still running',
  cleaningUp: ':broom: Cleaning up',
  finished: ':checkered_flag: Finished — everything the drill created is gone',
  declined: ':no_entry_sign: Declined',
  expired: ':alarm_clock: Expired — nothing was done',
};

const STEP_EMOJI = {
  pending: ':white_circle:',
  intent: ':arrows_counterclockwise:',
  ready: ':white_check_mark:',
  failed: ':x:',
} as const;

const who = (user: string) => (/^[UW][A-Z0-9]+$/.test(user) ? `<@${user}>` : escapeText(user));

function stepLine(s: DrillStepRecord, now: number, timeline: Timeline): string {
  const figures: string[] = [];
  if (s.rtoMs !== undefined) figures.push(`ready in ${formatDuration(s.rtoMs)}`);
  else if (s.startedAtMs !== undefined && s.state === 'intent')
    figures.push(`for ${formatDuration(Math.max(0, timeline.elapsed(s.startedAtMs, now)))}`);
  const late = s.state === 'ready' && overTarget(s);
  if (s.rpoMs !== undefined)
    figures.push(
      `data ${formatDuration(s.rpoMs)} old${s.rpoTargetMs !== undefined ? ` (target ${formatDuration(s.rpoTargetMs)}${late ? ', *over it*' : ''})` : ''}`,
    );
  const cleaned =
    s.cleanedAtMs !== undefined ? ' · cleaned up' : s.cleanupStartedAtMs !== undefined ? ' · deleting' : '';
  const detail = s.detail ? `\n      ↳ _${escapeText(truncate(s.detail, 200))}_` : '';
  const error =
    s.state === 'failed' && s.error ? `\n      ↳ :warning: ${escapeText(truncate(s.error, 300))}` : '';
  const cleanupError =
    s.cleanupError && s.cleanedAtMs === undefined
      ? `\n      ↳ :warning: cleanup: ${escapeText(truncate(s.cleanupError, 300))}`
      : '';
  // A copy that came up with data older than its target fails the drill: its row says so, as the result does.
  return `${late ? STEP_EMOJI.failed : STEP_EMOJI[s.state]} \`${escapeText(s.resourceId)}\` ${escapeText(s.kind)}${figures.length ? ` — ${figures.join(', ')}` : ''}${cleaned}${detail}${error}${cleanupError}`;
}

function actions(drill: Drill): ActionsBlock | undefined {
  if (drill.state === 'pendingApproval')
    return {
      type: 'actions',
      block_id: BlockId.drillActions,
      elements: [
        button('Approve drill', ActionId.drillApprove, drill.id, 'primary'),
        button('Decline', ActionId.drillDecline, drill.id),
      ],
    };
  if (drill.state === 'awaitingCleanup')
    return {
      type: 'actions',
      block_id: BlockId.drillActions,
      elements: [
        button('Keep running', ActionId.drillKeep, drill.id),
        button('Clean up now', ActionId.drillCleanup, drill.id, 'danger'),
      ],
    };
  return undefined;
}

/**
 * The drill card: request, progress per resource, measured RTO/RPO against targets, cleanup. One message, edited
 * in place. Durations are reckoned on `timeline`; when it is not wall-clock time (the sandbox) the card says so.
 */
export function drillCard(drill: Drill, now: number, timeline: Timeline = wallTimeline): Message {
  const s = escapeText(drill.service);
  const approvals =
    drill.approvalsRequired === 0
      ? 'no approval needed besides the requester'
      : `${drill.approvers.length} of ${drill.approvalsRequired} approval${drill.approvalsRequired === 1 ? '' : 's'}${
          drill.approvers.length ? `: ${drill.approvers.map(who).join(', ')}` : ''
        }`;
  const blocks: KnownBlock[] = [
    section(
      `:test_tube: *Drill of ${s}* requested by ${who(drill.requestedBy)} — non-disruptive: copies are restored in the recovery Region, production is not touched.\n>${escapeText(truncate(drill.reason, 500))}`,
      BlockId.drillCard,
    ),
    context(
      `${STATE_LINE[drill.state]} · ${approvals}${drill.declinedBy ? ` · declined by ${who(drill.declinedBy)}` : ''}`,
    ),
  ];
  if (drill.isolation)
    blocks.push(
      context(
        `${drill.isolation.level === 'isolated' ? ':lock:' : ':warning:'} ${escapeText(truncate(drill.isolation.text, 1_000))}`,
      ),
    );
  const steps = drill.order.map((id) => drill.steps[id]).filter((x): x is DrillStepRecord => x !== undefined);
  if (
    drill.state !== 'pendingApproval' &&
    drill.state !== 'declined' &&
    drill.state !== 'expired' &&
    steps.length > 0
  ) {
    const rows = steps.map((x) => stepLine(x, now, timeline));
    // The drill's own time to ready is judged too: a row for it, so no failed drill shows only ✅ rows.
    const r = drill.result;
    if (r)
      rows.push(
        `${r.rtoMs > r.rtoTargetMs ? STEP_EMOJI.failed : STEP_EMOJI.ready} time to ready ${formatDuration(r.rtoMs)} (RTO target ${formatDuration(r.rtoTargetMs)}${r.rtoMs > r.rtoTargetMs ? ', *over it*' : ''})`,
      );
    blocks.push(section(rows.join('\n')));
    if (timeline.note) blocks.push(context(simulatedDurations(timeline.note)));
  }
  const r = drill.result;
  if (r) {
    const rto = `RTO *${formatDuration(r.rtoMs)}* (target ${formatDuration(r.rtoTargetMs)})`;
    const rpo =
      r.rpoMs === undefined
        ? 'RPO not measured (no replicated data read)'
        : `RPO *${formatDuration(r.rpoMs)}* (target ${formatDuration(r.rpoTargetMs)})`;
    blocks.push(
      section(
        `${r.passed ? ':large_green_circle: *Passed*' : ':red_circle: *Failed*'} — ${rto}, ${rpo}${simulated(r.timeNote)}${
          r.reasons.length ? `\n${r.reasons.map((x) => `• ${escapeText(truncate(x, 300))}`).join('\n')}` : ''
        }`,
        BlockId.drillResult,
      ),
    );
  }
  if (drill.state === 'awaitingCleanup' && drill.cleanupAtMs !== undefined)
    blocks.push(
      context(
        `Drill resources are deleted automatically ${slackDate(drill.cleanupAtMs)}${drill.keptBy ? ` (kept longer by ${who(drill.keptBy)})` : ''}. Until then they are listed in the daily digest.`,
      ),
    );
  const buttons = actions(drill);
  if (buttons) blocks.push(buttons);
  const figures = r
    ? ` — ${r.passed ? 'passed' : 'failed'}, RTO ${formatDuration(r.rtoMs)}${r.rpoMs !== undefined ? `, RPO ${formatDuration(r.rpoMs)}` : ''}${r.timeNote ? ` (${r.timeNote})` : ''}`
    : '';
  return {
    text: `Drill of ${drill.service}: ${STATE_LINE[drill.state].replace(/^:[a-z_]+: /, '')}${figures}`,
    blocks,
  };
}

/** A plain ephemeral answer. */
export const drillNotice = (text: string): Message => ({ text, blocks: [section(escapeText(text))] });
