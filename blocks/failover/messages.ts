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
    'Usage: /dr failover <service> [--dry-run]',
    `Usage: \`/dr failover <service> [--dry-run]\`. Services: ${services.map((s) => `\`${escapeText(s)}\``).join(', ')}`,
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

export function requestPostedMessage(service: string, where: string, what: Move = 'failover'): Message {
  return plainMessage(
    `${capital(what)} of ${service} requested.`,
    `:white_check_mark: ${capital(what)} of *${escapeText(service)}* requested and posted in <#${escapeText(where)}>. A different approver must approve it.`,
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

/** The requester's DM with the outcome. */
export function outcomeDm(
  service: string,
  outcome: string,
  detail?: string,
  what: Move = 'failover',
): Message {
  return plainMessage(
    `Your ${what} request for ${service}: ${outcome}.`,
    `Your ${what} request for *${escapeText(service)}*: *${escapeText(outcome)}*.${
      detail ? `\n${escapeText(truncate(detail, 2_000))}` : ''
    }`,
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

export function decisionMessage(decision: string): Message {
  return plainMessage(`${decision} recorded.`, `:white_check_mark: ${escapeText(decision)} recorded.`);
}
