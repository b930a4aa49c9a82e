import type { WebClient } from '@slack/web-api';
import { type CardStep, failoverCard } from '../../blocks/failover/card.js';
import type { Message } from '../../blocks/failover/format.js';
import { createEditMemo } from '../adapters/slack/edits.js';
import type { Stores } from '../adapters/store/index.js';
import type { Clock } from '../domain/clock.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Timeline } from '../domain/timeline.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { runbookEntries } from '../runbook/stages.js';
import { focusOf, groupLines, groupMembers } from './group-card.js';
import { countApprovals } from './policy.js';
import { acceptanceNotes, type Preconditions } from './preconditions.js';
import { skipVoteKey } from './skip-votes.js';
import type { RequestStore } from './store.js';
import { type FailoverRequest, kindOf } from './types.js';

export interface CardDeps {
  readonly client: WebClient;
  readonly stores: Pick<Stores, 'executions' | 'approvals'>;
  readonly requests: RequestStore;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** How step durations are reckoned (default: the clock). */
  readonly timeline?: Timeline;
  readonly logger: Logger;
}

/** The runbook's steps in plan order (parallel groups numbered), then any recorded step the plan no longer has. */
export function cardSteps(plan: Plan, execution: ExecutionRecord): CardStep[] {
  const service = plan.services[execution.service];
  const kind = execution.kind === 'failback' ? 'failback' : 'failover';
  const entries = service ? runbookEntries({ ...service, name: execution.service }, kind) : [];
  const out: CardStep[] = [];
  let group = 0;
  for (const entry of entries) {
    if ('parallel' in entry) {
      group++;
      for (const step of entry.parallel)
        out.push(withRecord({ id: step.id, parallelGroup: group }, execution));
    } else out.push(withRecord({ id: entry.id }, execution));
  }
  for (const id of Object.keys(execution.steps))
    if (!out.some((s) => s.id === id)) out.push(withRecord({ id }, execution));
  return out;
}

const withRecord = (step: CardStep, execution: ExecutionRecord): CardStep => {
  const record = execution.steps[step.id];
  return record ? { ...step, record } : step;
};

/**
 * Posts the request card and keeps it current: one message per request, edited in place. Renders are
 * serialised per execution and coalesced (each render reads the latest state), so updates never go backwards.
 */
export function createCards(deps: CardDeps) {
  const running = new Map<string, Promise<void>>();
  const dirty = new Set<string>();
  const lastPreconditions = new Map<string, Preconditions>();
  const edits = createEditMemo();

  /** Who proposed skipping the paused step's current attempt (votes for earlier attempts do not count). */
  const skipProposals = async (execution: ExecutionRecord): Promise<string[]> => {
    const stepId = execution.pausedAtStep;
    if (execution.state !== 'pausedByFailedStep' || !stepId) return [];
    const attempt = execution.steps[stepId]?.attempts ?? 0;
    const votes = await deps.stores.approvals.list(skipVoteKey(execution.id, stepId, attempt));
    return votes.map((v) => v.userId).filter((u) => u !== execution.requestedBy);
  };

  const render = async (
    asked: string,
  ): Promise<{ request: FailoverRequest; message: Message } | undefined> => {
    // A later service of a request for several is shown on the request's one card.
    const id = (await deps.stores.executions.get(asked))?.group?.id ?? asked;
    const [lead, request, approvals] = await Promise.all([
      deps.stores.executions.get(id),
      deps.requests.get(id),
      deps.stores.approvals.list(id),
    ]);
    if (!lead || !request) return undefined;
    const members = await groupMembers(deps.stores, lead);
    // The card follows the service that runs now (or is paused, or ended the sequence): its steps and buttons.
    const execution = focusOf(lead, members);
    const decline = approvals.find((a) => a.decision === 'decline');
    const skipProposedBy = await skipProposals(execution);
    const preconditions = lastPreconditions.get(id);
    const plan = deps.getPlan();
    const service = plan.services[request.service];
    const planNotes = service && kindOf(request) === 'failover' ? acceptanceNotes(service) : [];
    const message = failoverCard({
      request: execution.id === id ? request : { ...request, id: execution.id, service: execution.service },
      execution,
      ...(members.length > 1 ? { group: groupLines(members, execution) } : {}),
      approvers: countApprovals(request, approvals),
      ...(decline && execution.state === 'declined'
        ? { declined: { by: decline.userId, ...(decline.reason ? { reason: decline.reason } : {}) } }
        : {}),
      steps: cardSteps(plan, execution),
      ...(preconditions ? { preconditions } : {}),
      ...(planNotes.length > 0 ? { planNotes } : {}),
      now: deps.clock.now(),
      ...(deps.timeline ? { timeline: deps.timeline } : {}),
      ...(skipProposedBy.length > 0 ? { skipProposedBy } : {}),
    });
    return { request, message };
  };

  const update = async (id: string) => {
    const rendered = await render(id);
    const ts = rendered?.request.messageTs;
    if (!rendered || !ts) return;
    const { channel } = rendered.request;
    const content = { text: rendered.message.text, blocks: rendered.message.blocks };
    if (edits.same(channel, ts, content)) return;
    await deps.client.chat.update({ channel, ts, ...content });
    edits.sent(channel, ts, content);
  };

  return {
    /** Posts the card of a new request where it belongs and records the message. */
    async post(id: string): Promise<string | undefined> {
      const rendered = await render(id);
      if (!rendered) return undefined;
      const { request, message } = rendered;
      const res = await deps.client.chat.postMessage({
        channel: request.channel,
        ...(request.threadTs ? { thread_ts: request.threadTs } : {}),
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
      });
      if (res.ts) await deps.requests.setMessage(id, res.ts);
      return res.ts;
    },

    /** Re-renders the card from the stored state; never throws (a stale card is logged, not fatal). */
    refresh(id: string, preconditions?: Preconditions): Promise<void> {
      if (preconditions) lastPreconditions.set(id, preconditions);
      const inFlight = running.get(id);
      if (inFlight) {
        dirty.add(id);
        return inFlight;
      }
      const work = (async () => {
        do {
          dirty.delete(id);
          await update(id).catch((error: unknown) =>
            deps.logger.warn({ err: error, executionId: id }, 'could not update the failover card'),
          );
        } while (dirty.has(id));
      })().finally(() => running.delete(id));
      running.set(id, work);
      return work;
    },
  };
}

export type Cards = ReturnType<typeof createCards>;
