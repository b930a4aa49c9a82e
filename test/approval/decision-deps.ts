import type { WebClient } from '@slack/web-api';
import type { Cards } from '../../src/approval/cards.js';
import type { FailoverRequests } from '../../src/approval/requests.js';
import { createDecisionActions } from '../../src/approval/slack-decisions.js';
import { createSlackKit, type FailoverSlackDeps } from '../../src/approval/slack-shared.js';
import { createInFlight } from '../../src/domain/inflight.js';
import { type DrillWorld, planApprovers } from '../drills/fixture.js';

/** Alice's planned failback of payments, which the tests then decide on as Bob. */
export async function requestFailback(requests: FailoverRequests) {
  const out = await requests.create({
    service: 'payments',
    kind: 'failback',
    mode: 'planned',
    reason: 'primary is healthy again',
    requestedBy: 'U0ALICE',
    source: 'slack',
    where: { channel: 'C0PAYMENTS' },
  });
  if (out.kind !== 'created') throw new Error(`not created: ${out.kind}`);
  return out.request;
}

/**
 * The decision buttons' actions over a drill world: Slack's client, cards and the runbook's `track` as given,
 * or a client that answers every post, cards that do nothing and a runner that records what it was asked to
 * start.
 */
export function decisionActions(
  w: DrillWorld,
  requests: FailoverRequests,
  parts: { readonly client?: WebClient; readonly cards?: Cards; readonly track?: () => Promise<void> } = {},
) {
  const started: string[] = [];
  const deps: FailoverSlackDeps = {
    client:
      parts.client ??
      ({
        conversations: { open: async ({ users }: { users: string }) => ({ channel: { id: `D-${users}` } }) },
        chat: { postMessage: async () => ({ ok: true, ts: '1.1' }) },
      } as unknown as WebClient),
    requests,
    cards:
      parts.cards ?? ({ refresh: async () => undefined, post: async () => undefined } as unknown as Cards),
    runner: {
      track: parts.track ?? (async (id) => void started.push(`track ${id}`)),
      run: async (id) => void started.push(`run ${id}`),
      decide: async () => undefined,
      dryRun: () => Promise.reject(new Error('not used')),
    },
    approvers: planApprovers,
    audit: w.audit,
    notify: async () => undefined,
    getPlan: () => w.plan,
    logger: w.logger,
    inflight: createInFlight(),
    once: w.stores.once,
    skipVotes: w.stores.approvals,
    clock: w.clock,
  };
  return { actions: createDecisionActions(deps, createSlackKit(deps)), started, deps };
}
