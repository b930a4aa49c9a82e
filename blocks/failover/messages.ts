import type { ExecutionRecord } from '../../src/domain/records.js';
import { escapeText, truncate } from '../escape.js';
import { context, section } from '../kit.js';
import { type Message, who } from './format.js';

const plainMessage = (text: string, mrkdwn: string): Message => ({ text, blocks: [section(mrkdwn)] });

/** A refusal, said only to the person who clicked or asked. */
export function refusalMessage(message: string): Message {
  return plainMessage(message, `:no_entry: ${escapeText(truncate(message, 2_500))}`);
}

export function usageMessage(services: readonly string[]): Message {
  return plainMessage(
    'Usage: /dr failover <service> [<service>…] [--dry-run]',
    `Usage: \`/dr failover <service> [<service>…] [--dry-run]\` (several services: one request, in the plan's \`after\` order). Services: ${services.map((s) => `\`${escapeText(s)}\``).join(', ')}`,
  );
}

export function unknownServiceMessage(service: string, services: readonly string[]): Message {
  return plainMessage(
    `Unknown service ${service}.`,
    `:grey_question: No service \`${escapeText(truncate(service, 100))}\` in the DR plan. Services: ${services
      .map((s) => `\`${escapeText(s)}\``)
      .join(', ')}`,
  );
}

/** What a request moves, in words: `failover` or `failback`. */
export type Move = 'failover' | 'failback';
const capital = (what: Move) => (what === 'failover' ? 'Failover' : 'Failback');

export function busyMessage(
  service: string,
  holder: { state?: ExecutionRecord['state']; requestedBy?: string; kind?: string },
): Message {
  const by = holder.requestedBy ? ` requested by ${who(holder.requestedBy)}` : '';
  const state = holder.state ? ` (${holder.state})` : '';
  const what = holder.kind === 'failback' ? 'failback' : 'failover';
  return plainMessage(
    `A ${what} of ${service} is already in progress.`,
    `:information_source: A ${what} of *${escapeText(service)}*${by} is already open${state}; see its card in the service channel or incident thread. No new request was made.`,
  );
}

/** The requester's confirmation; with the card's permalink (chat.getPermalink) it links to the request itself. */
export function requestPostedMessage(
  service: string,
  where: string,
  what: Move = 'failover',
  permalink?: string,
): Message {
  const link =
    permalink && /^https?:\/\/[^\s|<>]+$/.test(permalink) ? ` (<${permalink}|open the request>)` : '';
  return plainMessage(
    `${capital(what)} of ${service} requested.`,
    `:white_check_mark: ${capital(what)} of *${escapeText(service)}* requested and posted in <#${escapeText(where)}>${link}. A different approver must approve it.`,
  );
}

export function approvalRecordedMessage(got: number, needed: number): Message {
  return plainMessage(
    'Approval recorded.',
    `:white_check_mark: Your approval is recorded (${got} of ${needed}). ${needed - got} more needed from a different approver.`,
  );
}

/** What the losing click or replica answers: the state as it is now. */
export function currentStateMessage(state: ExecutionRecord['state'] | string | undefined): Message {
  return plainMessage(
    `Nothing to do: the request is ${state ?? 'gone'}.`,
    `:information_source: Nothing further to do: this request is now *${state ?? 'no longer available'}*.`,
  );
}

/** People named in a DM, as Slack mentions (`<@U…>`, never escaped into literal text): "Approved by @a, @b". */
export interface DmPeople {
  readonly label: string;
  readonly people: readonly string[];
}

/** The requester's DM with the outcome; `detail` is plain text (escaped), `by` names people as mentions. */
export function outcomeDm(
  service: string,
  outcome: string,
  detail?: string,
  what: Move = 'failover',
  by?: DmPeople,
): Message {
  const named = by ? `${escapeText(by.label)} ${by.people.map(who).join(', ')}` : '';
  const line = [named, detail ? escapeText(truncate(detail, 2_000)) : ''].filter(Boolean).join(': ');
  const plain = [by ? `${by.label} ${by.people.join(', ')}` : '', detail ?? ''].filter(Boolean).join(': ');
  return {
    text: `Your ${what} request for ${service}: ${outcome}.${plain ? ` ${truncate(plain, 2_000)}` : ''}`,
    blocks: [
      section(
        `Your ${what} request for *${escapeText(service)}*: *${escapeText(outcome)}*.${line ? `\n${line}` : ''}`,
      ),
    ],
  };
}

/** A re-click by someone whose approval already counts: nothing new, still waiting for others. */
export function approvalAlreadyMessage(got: number, needed: number): Message {
  return plainMessage(
    'You already approved this request.',
    `:information_source: You already approved this request (${got} of ${needed}); it waits for ${needed - got} more from a different approver.`,
  );
}

/** An approval recorded under its audited intent whose outcome entry could not be appended. */
export function approvalUnauditedMessage(got: number, needed: number): Message {
  return plainMessage(
    'Approval recorded, but not yet complete: click Approve again.',
    `:warning: Your approval is recorded (${got} of ${needed}) under its audited intent, but the audit log could not record its outcome, so it does not count yet. Click *Approve* again to complete it.`,
  );
}

/** A thread reply for each failed step. */
export function stepFailedMessage(
  stepId: string,
  error: string | undefined,
  attempt: number,
  what: Move = 'failover',
): Message {
  return plainMessage(
    `Step ${stepId} failed.`,
    `:x: Step \`${escapeText(stepId)}\` failed (attempt ${attempt})${error ? `: ${escapeText(truncate(error, 2_000))}` : ''}. The ${what} is paused; an approver can retry, skip or abort on the card above.`,
  );
}

/** A runbook `notify` step's message from the plan, posted in the execution's thread (docs/plan.md). */
export function notifyStepMessage(stepId: string, message: string): Message {
  const said = truncate(message, 2_000);
  return {
    text: escapeText(said),
    blocks: [section(`:loudspeaker: ${escapeText(said)}`), context(`Runbook step \`${escapeText(stepId)}\``)],
  };
}

/** The first approver's Skip on a step that needs two: proposed, not done. */
export function skipProposedMessage(stepId: string): Message {
  return plainMessage(
    `Skip of step ${stepId} proposed; a second approver must confirm.`,
    `:hourglass_flowing_sand: Skip of step \`${escapeText(stepId)}\` proposed. The step is irreversible or a verify step, so a second approver (not you, not the requester) must click *Skip step* on the card to confirm. Nothing was skipped yet.`,
  );
}

export function decisionMessage(decision: string): Message {
  return plainMessage(`${decision} recorded.`, `:white_check_mark: ${escapeText(decision)} recorded.`);
}

/** What a channel-level progress line reports. */
export type ProgressEvent =
  | { readonly kind: 'started'; readonly requestedBy: string }
  | { readonly kind: 'completed' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'paused'; readonly stepId: string; readonly error?: string };

/**
 * The thread reply also sent to the channel (`reply_broadcast`) when a failover or failback starts, completes,
 * pauses or is aborted: "payments now runs in us-west-2". The thread keeps every detail; the channel hears
 * the moments that change where the service runs.
 */
export function progressBroadcast(
  move: Move,
  service: string,
  toRegion: string,
  event: ProgressEvent,
): Message {
  const s = escapeText(service);
  const to = escapeText(toRegion);
  const noun = capital(move);
  switch (event.kind) {
    case 'started':
      return plainMessage(
        `${noun} of ${service} to ${toRegion} started.`,
        `:arrows_counterclockwise: *${noun} of ${s} to ${to} started*, requested by ${who(event.requestedBy)} and approved. Progress is in this thread.`,
      );
    case 'completed':
      return plainMessage(
        `${service} now runs in ${toRegion} (${move} completed).`,
        `:white_check_mark: *${s} now runs in ${to}*: the ${move} completed.`,
      );
    case 'aborted':
      return plainMessage(
        `${noun} of ${service} to ${toRegion} aborted part-way.`,
        `:warning: *${noun} of ${s} to ${to} aborted part-way*: a partial ${move}. \`/dr status ${s}\` shows which resources moved.`,
      );
    case 'paused':
      return plainMessage(
        `${noun} of ${service} paused: step ${event.stepId} failed.`,
        `:double_vertical_bar: *${noun} of ${s} to ${to} paused*: step \`${escapeText(event.stepId)}\` failed${event.error ? ` (${escapeText(truncate(event.error, 300))})` : ''}. An approver decides in this thread: retry, skip or abort.`,
      );
  }
}
