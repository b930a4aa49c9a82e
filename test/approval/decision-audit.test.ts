import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createApproverDirectory } from '../../src/approval/approvers.js';
import type { Cards } from '../../src/approval/cards.js';
import type { Preconditions } from '../../src/approval/preconditions.js';
import { createFailoverRequests } from '../../src/approval/requests.js';
import type { FailoverSlackDeps } from '../../src/approval/slack-shared.js';
import { createRequestStore } from '../../src/approval/store.js';
import type { AuditLog } from '../../src/audit/types.js';
import { type DrillWorld, drillWorldPerTest, planApprovers } from '../drills/fixture.js';
import { decisionActions, requestFailback } from './decision-deps.js';

const TABLE = 'lifeboat-drills';
const OK_PRECONDITIONS = (now: number): Preconditions => ({ ok: true, checkedAt: now, lines: [] });

/** An audit log whose appends of the given event types fail, as when DynamoDB refuses the write. */
function flakyAudit(audit: AuditLog) {
  const failing = new Set<string>();
  const log: AuditLog = {
    ...audit,
    append: (event) =>
      failing.has(event.type) ? Promise.reject(new Error('audit table unavailable')) : audit.append(event),
  };
  return { log, failing };
}

function flow(
  w: DrillWorld,
  options: { measure?: () => Promise<Preconditions>; approvers?: FailoverSlackDeps['approvers'] } = {},
) {
  const audit = flakyAudit(w.audit);
  const requests = createFailoverRequests({
    stores: w.stores,
    requests: createRequestStore(w.documents, TABLE),
    audit: audit.log,
    approvers: options.approvers ?? planApprovers,
    readiness: { check: () => Promise.reject(new Error('not used: these are failback requests')) },
    failbackPreconditions: options.measure ?? (async () => OK_PRECONDITIONS(w.clock.now())),
    getPlan: () => w.plan,
    clock: w.clock,
  });
  const create = () => requestFailback(requests);
  return { requests, audit, create };
}

const types = async (w: DrillWorld, id: string) =>
  (await w.auditEntries()).filter((e) => e.executionId === id).map((e) => e.type);

describe('approval decisions are audited before they take effect', () => {
  const worlds = drillWorldPerTest();

  it('records nothing when the audit log refuses the decision, and a later click approves', async () => {
    // Prepare
    const w = await worlds.start();
    const { requests, audit, create } = flow(w);
    const request = await create();
    audit.failing.add('decision.intent').add('approval.granted');

    // Act
    const failed = requests.approve(request.id, 'U0BOB', request.digest);

    // Assert: nothing counts, nothing is refused as "already decided" afterwards.
    await expect(failed).rejects.toThrow(/audit/);
    expect(await w.stores.approvals.list(request.id)).toEqual([]);
    expect((await w.stores.executions.get(request.id))?.state).toBe('pendingApproval');
    audit.failing.clear();
    const again = await requests.approve(request.id, 'U0BOB', request.digest);
    expect(again.kind).toBe('approved');
    const seen = await types(w, request.id);
    expect(seen.indexOf('decision.intent')).toBeLessThan(seen.indexOf('approval.granted'));
  });

  it('re-runs the decision when a recorded approval could not audit its outcome', async () => {
    // Prepare
    const w = await worlds.start();
    const { requests, audit, create } = flow(w);
    const request = await create();
    audit.failing.add('approval.granted');

    // Act
    const first = await requests.approve(request.id, 'U0BOB', request.digest).catch((e: Error) => e);
    audit.failing.clear();
    const second = await requests.approve(request.id, 'U0BOB', request.digest);

    // Assert: the approval did not move the request on unaudited; the re-click completed it.
    expect(first).toMatchObject({ kind: 'unaudited' });
    expect(second.kind).toBe('approved');
    expect((await w.stores.executions.get(request.id))?.state).toBe('approved');
    expect(await types(w, request.id)).toContain('approval.granted');
  });

  it('refuses an approval whose deadline passes while the preconditions are measured', async () => {
    // Prepare: measuring takes longer than the request has left.
    const w = await worlds.start();
    const { requests, create } = flow(w, {
      measure: async () => {
        w.clock.advance(31 * 60_000);
        return OK_PRECONDITIONS(w.clock.now());
      },
    });
    const request = await create();

    // Act
    const outcome = await requests.approve(request.id, 'U0BOB', request.digest);

    // Assert
    expect(outcome).toMatchObject({ kind: 'refused', refusal: { code: 'expired' } });
    expect(await w.stores.approvals.list(request.id)).toEqual([]);
    expect((await w.stores.executions.get(request.id))?.state).toBe('expired');
  });

  it('says a failed user group lookup failed, audits it, and lets the person retry', async () => {
    // Prepare: U0DAVE is in S0SRELEADS, which Slack fails to list once.
    const w = await worlds.start();
    let fail = true;
    const approvers = createApproverDirectory({
      clock: w.clock,
      members: async () => {
        if (fail) throw new Error('ratelimited');
        return ['U0DAVE'];
      },
    });
    const { requests, create } = flow(w, { approvers });
    const request = await create();

    // Act
    const refused = await requests.approve(request.id, 'U0DAVE', request.digest);
    fail = false;
    const retried = await requests.approve(request.id, 'U0DAVE', request.digest);

    // Assert
    expect(refused).toMatchObject({ kind: 'refused', refusal: { code: 'lookup-failed' } });
    expect(refused.kind === 'refused' ? refused.refusal.message : '').toContain(
      'could not read the Slack user group S0SRELEADS',
    );
    const audited = (await w.auditEntries()).find((e) => e.details.code === 'lookup-failed');
    expect(audited?.type).toBe('approval.refused');
    expect(retried.kind).toBe('approved');
  });
});

describe('what the requester is told', () => {
  const worlds = drillWorldPerTest();

  function slack(w: DrillWorld, requests: ReturnType<typeof flow>['requests']) {
    const posted: { channel: string; text: string; blocks: unknown }[] = [];
    const client = {
      conversations: { open: async ({ users }: { users: string }) => ({ channel: { id: `D-${users}` } }) },
      chat: {
        postMessage: async (m: { channel: string; text: string; blocks: unknown }) => {
          posted.push(m);
          return { ok: true, ts: '1.1' };
        },
      },
    } as unknown as WebClient;
    return { ...decisionActions(w, requests, { client }), posted };
  }

  it('DMs the requester when a click finds the request expired', async () => {
    // Prepare
    const w = await worlds.start();
    const { requests, create } = flow(w);
    const { actions, posted } = slack(w, requests);
    const request = await create();
    w.clock.advance(31 * 60_000);

    // Act
    await actions.approve({ executionId: request.id, digest: request.digest, userId: 'U0BOB' });

    // Assert
    const dm = posted.find((m) => m.channel === 'D-U0ALICE');
    expect(dm?.text).toContain('expired');
  });

  it('names approvers in DMs as mentions, not as escaped literal text', async () => {
    // Prepare
    const w = await worlds.start();
    const { requests, create } = flow(w);
    const { actions, posted } = slack(w, requests);
    const request = await create();

    // Act
    await actions.approve({ executionId: request.id, digest: request.digest, userId: 'U0BOB' });

    // Assert
    const dm = JSON.stringify(posted.find((m) => m.channel === 'D-U0ALICE')?.blocks);
    expect(dm).toContain('<@U0BOB>');
    expect(dm).not.toContain('&lt;@');
  });
});

describe('the approval that completes the quorum hands over to the runbook first', () => {
  const worlds = drillWorldPerTest();

  it('starts the runbook before the Slack card is edited (the edit is not on the path to the first AWS call)', async () => {
    // Prepare: a card edit that takes a while (a Slack round trip), a runner that records when it is handed the execution
    const w = await worlds.start();
    const { requests, create } = flow(w);
    const order: string[] = [];
    const cards = {
      refresh: async () => {
        order.push('card edit sent');
        await new Promise((resolve) => setImmediate(resolve));
        order.push('card edited');
      },
      post: async () => undefined,
    } as unknown as Cards;
    const { actions } = decisionActions(w, requests, {
      cards,
      track: async () => {
        order.push('runbook handed over');
      },
    });
    const request = await create();

    // Act
    await actions.approve({ executionId: request.id, digest: request.digest, userId: 'U0BOB' });

    // Assert: approved (audited before), and the runbook had it before the card edit finished
    expect((await w.stores.executions.get(request.id))?.state).toBe('approved');
    expect(order.indexOf('runbook handed over')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('runbook handed over')).toBeLessThan(order.indexOf('card edited'));
  });
});
