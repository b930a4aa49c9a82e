import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { Preconditions } from '../../src/approval/preconditions.js';
import type { FailoverRequest } from '../../src/approval/types.js';
import type { ExecutionRecord, StepRecord, StepState } from '../../src/domain/records.js';
import { type Timeline, wallTimeline } from '../../src/domain/timeline.js';
import { formatDuration } from '../../src/readiness/format.js';
import { escapeText, truncate } from '../escape.js';
import { ActionId, BlockId } from '../ids.js';
import { button, context, section } from '../kit.js';
import { slackDate } from '../readiness/format.js';
import { simulatedDurations } from '../simulated.js';
import { fitSection, type Message, MODE_TITLE, stageNumbers, who } from './format.js';

export interface CardStep {
  readonly id: string;
  readonly parallelGroup?: number;
  readonly record?: StepRecord;
}

/** One service of a request for several, as the card lists them. */
export interface GroupLine {
  readonly service: string;
  readonly state: ExecutionRecord['state'];
  /** The service whose steps and buttons the card shows. */
  readonly current: boolean;
  /** Not started because the service before it has not completed. */
  readonly waitingFor?: string;
}

/** Everything the request/progress card shows: the request, who approved, and each step's progress. */
export interface FailoverCardModel {
  readonly request: FailoverRequest;
  readonly execution: Pick<
    ExecutionRecord,
    | 'state'
    | 'startedAtMs'
    | 'finishedAtMs'
    | 'pausedAtStep'
    | 'lastError'
    | 'abortedBy'
    | 'abortSummary'
    | 'staleBecause'
    | 'incidentResolvedAtMs'
  >;
  readonly approvers: readonly string[];
  readonly declined?: { readonly by: string; readonly reason?: string };
  readonly steps: readonly CardStep[];
  readonly preconditions?: Preconditions;
  /** What the plan in force accepts that approvers must know before approving (e.g. acceptStandalone). */
  readonly planNotes?: readonly string[];
  readonly now: number;
  /** How step durations are reckoned (default: wall clock); when it has a note (the sandbox) the card shows it. */
  readonly timeline?: Timeline;
  /** Approvers who proposed skipping the paused step's current attempt (it needs a second one to confirm). */
  readonly skipProposedBy?: readonly string[];
  /** A request for several services: each one in the order they run (`request` is then the one shown now). */
  readonly group?: readonly GroupLine[];
}

const GROUP_STATE: Record<ExecutionRecord['state'], string> = {
  pendingApproval: 'not started',
  approved: 'starting',
  running: 'running',
  pausedByFailedStep: 'paused: a step failed',
  completed: 'completed',
  aborted: 'aborted',
  declined: 'declined',
  expired: 'expired',
};

/** "Services, in order": one line each, the one shown marked, a waiting one saying what it waits for. */
function groupText(lines: readonly GroupLine[]): string {
  return fitSection([
    '*One request for several services*, in the order they run (each after those it recovers `after`); one approval covers them all:',
    ...lines.map(
      (l, i) =>
        `${i + 1}. ${l.current ? '*' : ''}${escapeText(l.service)}${l.current ? '*' : ''}: ${
          l.waitingFor ? `waiting for ${escapeText(l.waitingFor)} to complete` : GROUP_STATE[l.state]
        }`,
    ),
  ]);
}

const STATE_LINE: Record<ExecutionRecord['state'], string> = {
  pendingApproval: ':hourglass_flowing_sand: Waiting for approval',
  approved: ':white_check_mark: Approved — starting',
  running: ':arrow_forward: Running',
  pausedByFailedStep: ':double_vertical_bar: Paused: a step failed',
  completed: ':white_check_mark: Completed',
  aborted: ':octagonal_sign: Aborted',
  declined: ':no_entry_sign: Declined',
  expired: ':alarm_clock: Expired — nothing was done',
};

const STEP_EMOJI: Record<StepState, string> = {
  pending: ':white_circle:',
  intent: ':arrows_counterclockwise:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  skipped: ':fast_forward:',
};

const STEP_WORD: Record<StepState, string> = {
  pending: 'pending',
  intent: 'in progress',
  succeeded: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

const PRECONDITION_EMOJI = { pass: ':white_check_mark:', warn: ':warning:', fail: ':x:' } as const;

function stepLine(step: CardStep, stage: number, now: number, timeline: Timeline): string {
  const r = step.record;
  const state: StepState = r?.state ?? 'pending';
  const started = r?.startedAtMs;
  const duration =
    started === undefined
      ? ''
      : r?.finishedAtMs !== undefined
        ? ` in ${formatDuration(timeline.elapsed(started, r.finishedAtMs))}`
        : ` for ${formatDuration(Math.max(0, timeline.elapsed(started, now)))}`;
  const attempts = r && r.attempts > 1 ? ` (attempt ${r.attempts})` : '';
  const error = state === 'failed' && r?.error ? `\n      ↳ _${escapeText(truncate(r.error, 300))}_` : '';
  // A step AWS already showed done at its first look was not called: said so, not shown as a run without a time.
  const word =
    state === 'succeeded' && started === undefined ? 'already done (nothing to call)' : STEP_WORD[state];
  // What a done step reports of its own (a Lambda function's answer), when its executor records one.
  const result = r?.observed?.result;
  const answer =
    state === 'succeeded' && typeof result === 'string' && result !== ''
      ? `\n      ↳ ${escapeText(truncate(result, 300))}`
      : '';
  return `${STEP_EMOJI[state]} ${stage}. \`${escapeText(step.id)}\` ${word}${duration}${attempts}${error}${answer}`;
}

/** Approve carries the request's digest: approval is bound to exactly what this card shows. */
export const approveValue = (id: string, digest: string) => `${id}|${digest}`;
export function parseApproveValue(value: string | undefined): { id: string; digest: string | undefined } {
  const [id = '', digest] = (value ?? '').split('|');
  return { id, digest };
}

/**
 * Retry / Skip / Abort carry the paused step and its attempt as the card shows them: a click on an outdated
 * card (another step or attempt paused since) is refused instead of deciding on something else.
 */
export const stepDecisionValue = (id: string, stepId: string, attempt: number) =>
  `${id}|${stepId}|${attempt}`;
export function parseStepDecisionValue(value: string | undefined): {
  id: string;
  stepId: string;
  attempt: number;
} {
  const [id = '', stepId = '', attempt = ''] = (value ?? '').split('|');
  // A value without a step and attempt (a card posted before buttons were bound) never matches: refused as outdated.
  return { id, stepId, attempt: /^\d{1,6}$/.test(attempt) ? Number(attempt) : -1 };
}

/** Failover: the mode's title; failback is always a planned switch back. */
export const requestTitle = (request: Pick<FailoverRequest, 'kind' | 'mode'>) =>
  request.kind === 'failback' ? 'Planned failback' : MODE_TITLE[request.mode];

function actions(model: FailoverCardModel): ActionsBlock | undefined {
  const { request, execution } = model;
  const s = escapeText(request.service);
  const what = request.kind === 'failback' ? 'failback' : 'failover';
  if (execution.state === 'completed' && what === 'failover')
    return {
      type: 'actions',
      block_id: BlockId.failoverActions,
      elements: [button('Fail back', ActionId.failbackOpen, request.service)],
    };
  if (execution.state === 'pendingApproval')
    return {
      type: 'actions',
      block_id: BlockId.failoverActions,
      elements: [
        button('Approve', ActionId.failoverApprove, approveValue(request.id, request.digest), 'primary', {
          title: `Approve ${what}?`,
          text:
            what === 'failback'
              ? `Planned failback of *${s}* to its primary Region. Replication back is re-checked before your approval counts.`
              : `${MODE_TITLE[request.mode]} of *${model.group ? model.group.map((l) => escapeText(l.service)).join(', then ') : s}* to the recovery Region. Preconditions are re-checked before your approval counts.`,
          ok: 'Approve',
        }),
        button('Decline', ActionId.failoverDecline, request.id, 'danger'),
      ],
    };
  if (execution.state === 'pausedByFailedStep') {
    const stepId = execution.pausedAtStep ?? '';
    const attempt = stepId ? (model.steps.find((s) => s.id === stepId)?.record?.attempts ?? 0) : 0;
    const value = stepDecisionValue(request.id, stepId, attempt);
    const proposed = (model.skipProposedBy ?? []).length > 0;
    return {
      type: 'actions',
      block_id: BlockId.failoverActions,
      elements: [
        button('Retry step', ActionId.failoverRetry, value, 'primary'),
        button(proposed ? 'Confirm skip' : 'Skip step', ActionId.failoverSkip, value, undefined, {
          title: proposed ? 'Confirm skipping this step?' : 'Skip this step?',
          text: `The ${what} continues as if the failed step had succeeded. An approver other than the requester decides; an irreversible or verify step needs two.`,
          ok: 'Skip',
        }),
        button('Abort', ActionId.failoverAbort, value, 'danger', {
          title: `Abort the ${what}?`,
          text: 'No further steps run. Steps already done are not undone.',
          ok: 'Abort',
        }),
      ],
    };
  }
  return undefined;
}

/** The request card, which becomes the progress card once approved (one message, edited in place). */
export function failoverCard(model: FailoverCardModel): Message {
  const { request, execution } = model;
  const s = escapeText(request.service);
  const requester =
    request.source === 'alarm'
      ? `Lifeboat, on alarm \`${escapeText(request.alarmName ?? 'unknown')}\``
      : who(request.requestedBy);
  const approvals = `${model.approvers.length} of ${request.approvalsRequired} approval${request.approvalsRequired === 1 ? '' : 's'}${
    model.approvers.length ? `: ${model.approvers.map(who).join(', ')}` : ''
  }`;
  const status = [STATE_LINE[execution.state], approvals];
  if (execution.state === 'pendingApproval') status.push(`expires ${slackDate(request.deadlineMs)}`);
  const blocks: KnownBlock[] = [
    section(
      `${request.kind === 'failback' ? ':leftwards_arrow_with_hook:' : ':rotating_light:'} *${requestTitle(request)} of ${s}* requested by ${requester}\n>${escapeText(
        truncate(request.reason, 1_000),
      ).replace(/\n/g, '\n>')}`,
      BlockId.failoverCard,
    ),
    context(status.join(' · ')),
  ];
  if (model.group) blocks.push(section(groupText(model.group)));
  if (execution.staleBecause)
    blocks.push(
      context(
        `:zzz: *Stale*: ${escapeText(truncate(execution.staleBecause, 300))}; it can no longer be approved. Request again if a failover is still needed.`,
      ),
    );
  else if (execution.incidentResolvedAtMs !== undefined && execution.state === 'pendingApproval')
    blocks.push(
      context(
        `:information_source: The incident this request was made in resolved ${slackDate(execution.incidentResolvedAtMs)}; the request stays open until approved, declined or expired.`,
      ),
    );
  if (model.planNotes && model.planNotes.length > 0)
    blocks.push(
      context(fitSection(model.planNotes.map((note) => `:warning: ${escapeText(truncate(note, 300))}`))),
    );
  if (model.declined)
    blocks.push(
      section(
        `Declined by ${who(model.declined.by)}${model.declined.reason ? `: _${escapeText(truncate(model.declined.reason, 1_000))}_` : ''}`,
      ),
    );
  if (model.preconditions && execution.state !== 'declined' && execution.state !== 'expired')
    blocks.push(
      context(
        fitSection([
          `Preconditions at approval (${slackDate(model.preconditions.checkedAt)}):`,
          ...model.preconditions.lines.map(
            (l) => `${PRECONDITION_EMOJI[l.status]} ${escapeText(truncate(l.text, 300))}`,
          ),
        ]),
      ),
    );
  if (
    execution.state !== 'pendingApproval' &&
    execution.state !== 'declined' &&
    execution.state !== 'expired'
  ) {
    const stages = stageNumbers(model.steps);
    const timeline = model.timeline ?? wallTimeline;
    blocks.push(
      section(
        fitSection(model.steps.map((step, i) => stepLine(step, stages[i] ?? i + 1, model.now, timeline))),
      ),
    );
    if (timeline.note) blocks.push(context(simulatedDurations(timeline.note)));
  }
  if (execution.state === 'pausedByFailedStep')
    blocks.push(
      section(
        `:warning: Step \`${escapeText(execution.pausedAtStep ?? '?')}\` failed${
          execution.lastError ? `: ${escapeText(truncate(execution.lastError, 1_000))}` : ''
        }.\nAn approver of ${s} decides: retry the step, skip it, or abort.`,
      ),
    );
  if (execution.state === 'pausedByFailedStep' && model.skipProposedBy && model.skipProposedBy.length > 0)
    blocks.push(
      context(
        `:hourglass_flowing_sand: Skip proposed by ${model.skipProposedBy.map(who).join(', ')}: this step is irreversible or a verify step, so a second approver (not the requester) must click *Confirm skip*.`,
      ),
    );
  if (execution.state === 'aborted' && execution.abortSummary)
    blocks.push(
      section(`*Where things are now*\n${escapeText(truncate(execution.abortSummary.text, 2_500))}`),
    );
  const buttons = actions(model);
  if (buttons) blocks.push(buttons);
  const text = `${requestTitle(request)} of ${request.service}: ${STATE_LINE[execution.state].replace(/^:[a-z_]+: /, '')}`;
  return { text, blocks };
}
