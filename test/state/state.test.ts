import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, ensureTable } from '../../src/adapters/store/dynamo.js';
import { createServiceStateStore, type ServiceStateStore } from '../../src/adapters/store/service-state.js';
import type { AuditEntry, AuditEventInput } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import type { ExecutionRecord, StepRecord } from '../../src/domain/records.js';
import { createStateRecorder } from '../../src/state/recorder.js';
import { closeSharedDynamoDbLocal, type StateBackend, stateBackends } from '../helpers/dynamodb-local.js';
import { acceptingStandalonePlan } from '../helpers/plans.js';

afterAll(closeSharedDynamoDbLocal);

const plan = acceptingStandalonePlan();
const T0 = Date.UTC(2026, 11, 6, 21, 0, 0);
const done = (at: number): StepRecord => ({
  state: 'succeeded',
  attempts: 1,
  startedAtMs: at,
  finishedAtMs: at,
});

function execution(over: Partial<ExecutionRecord>): ExecutionRecord {
  return {
    id: 'exec-1',
    service: 'payments',
    kind: 'failover',
    mode: 'unplanned',
    state: 'running',
    requestedBy: 'U0ALICE',
    reason: 'outage',
    planHash: plan.hash,
    createdAtMs: T0,
    updatedAtMs: T0,
    startedAtMs: T0,
    steps: {},
    ...over,
  };
}

describe.each(stateBackends)('operating state (SERVICESTATE#<service>) on %s', (_, start) => {
  let dynamo: StateBackend;
  let client: ReturnType<typeof createDocumentClient>;
  let store: ServiceStateStore;
  const clock = manualClock(T0);
  const audited: AuditEventInput[] = [];
  let lastMove: { kind: 'failover' | 'failback'; finishedAtMs: number } | undefined;
  const recorder = () =>
    createStateRecorder({
      store,
      audit: {
        append: async (e) => {
          audited.push(e);
          return { ...e, id: `a${audited.length}` } as unknown as AuditEntry;
        },
      },
      getPlan: () => plan,
      clock,
      approvedBy: async () => ['U0BOB'],
      lastMove: async () => lastMove,
    });

  beforeAll(async () => {
    dynamo = await start();
    client = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
    await ensureTable(client, 'state-test');
    store = createServiceStateStore(client, 'state-test', clock);
  }, 120_000);
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('reports a missing item as state unknown with the reason, never a direction', async () => {
    const read = await store.read('payments');
    expect(read).toEqual({
      known: false,
      reason: expect.stringContaining('no operating state is on record'),
    });
  });

  it('reports an unreadable item as state unknown with the reason', async () => {
    await client.send(
      new PutCommand({
        TableName: 'state-test',
        Item: {
          pk: 'SERVICESTATE#accounts',
          sk: 'STATE',
          service: 'accounts',
          phase: 'sideways',
          version: 1,
        },
      }),
    );
    const read = await store.read('accounts');
    expect(read).toEqual({ known: false, reason: expect.stringContaining('phase sideways') });
  });

  it('walks every phase: normal, failing over (partial), running unprotected, protected, failing back, normal', async () => {
    const r = recorder();
    await r.initialise();
    let read = await r.read('payments');
    expect(read.known && read.state.phase).toBe('normal-in-primary');
    expect(audited.find((e) => e.type === 'state.initialised' && e.service === 'payments')).toBeTruthy();

    // A drill never changes the state.
    await r.onExecution(execution({ id: 'drill-1', kind: 'drill', mode: 'drill', state: 'completed' }));
    read = await r.read('payments');
    expect(read.known && read.state.phase).toBe('normal-in-primary');

    // Approved failover: failing over, the first step done (a partial failover so far).
    clock.set(T0 + 60_000);
    await r.onExecution(execution({ updatedAtMs: T0 + 60_000, steps: { 'promote-db': done(T0 + 60_000) } }));
    read = await r.read('payments');
    if (!read.known) throw new Error(read.reason);
    expect(read.state.phase).toBe('failing-over');
    expect(read.state.resources['payments-db']?.side).toBe('recovery');
    expect(read.state.resources['payments-routing']?.side).toBe('primary');
    expect(read.state.move).toMatchObject({
      requestedBy: 'U0ALICE',
      approvedBy: ['U0BOB'],
      mode: 'unplanned',
    });

    // An older report of the same execution never moves the state back.
    await r.onExecution(execution({ updatedAtMs: T0 + 1, steps: {} }));
    read = await r.read('payments');
    expect(read.known && read.state.resources['payments-db']?.side).toBe('recovery');

    // Completed: running in the recovery Region, not protected yet.
    const all = Object.fromEntries(
      [
        'promote-db',
        'start-api',
        'scale-workers',
        'scale-web',
        'check-ledger',
        'check-receipts',
        'flip-dns',
      ].map((id) => [id, done(T0 + 200_000)]),
    );
    clock.set(T0 + 252_000);
    await r.onExecution(
      execution({ state: 'completed', updatedAtMs: T0 + 252_000, finishedAtMs: T0 + 252_000, steps: all }),
    );
    read = await r.read('payments');
    if (!read.known) throw new Error(read.reason);
    expect(read.state.phase).toBe('running-in-recovery-unprotected');
    expect(read.state.sinceMs).toBe(T0 + 252_000);

    await r.onProtection('payments', { ready: true, text: 'replication back caught up' });
    read = await r.read('payments');
    expect(read.known && read.state.phase).toBe('running-in-recovery-protected');

    // Failback in flight, then completed.
    clock.set(T0 + 900_000);
    const back = {
      id: 'exec-2',
      kind: 'failback' as const,
      mode: 'planned' as const,
      createdAtMs: T0 + 800_000,
    };
    await r.onExecution(execution({ ...back, startedAtMs: T0 + 850_000, updatedAtMs: T0 + 850_000 }));
    read = await r.read('payments');
    expect(read.known && read.state.phase).toBe('failing-back');
    await r.onExecution(
      execution({
        ...back,
        state: 'completed',
        startedAtMs: T0 + 850_000,
        updatedAtMs: T0 + 900_000,
        finishedAtMs: T0 + 900_000,
        steps: all,
      }),
    );
    read = await r.read('payments');
    if (!read.known) throw new Error(read.reason);
    expect(read.state.phase).toBe('normal-in-primary');
    expect(Object.values(read.state.resources).every((p) => p.side === 'primary')).toBe(true);
    const phases = audited.filter((e) => e.type === 'state.changed').map((e) => e.details?.to);
    expect(phases).toEqual([
      'failing-over',
      'running-in-recovery-unprotected',
      'running-in-recovery-protected',
      'failing-back',
      'normal-in-primary',
    ]);
  });

  it('keeps an aborted partial failover as failing over, naming which resources moved', async () => {
    const r = recorder();
    await r.onExecution(
      execution({
        id: 'exec-3',
        service: 'accounts',
        createdAtMs: T0 + 1_000_000,
        startedAtMs: T0 + 1_000_000,
        updatedAtMs: T0 + 1_000_000,
        state: 'aborted',
        steps: { 'promote-replica': done(T0 + 1_000_000) },
      }),
    );
    const read = await r.read('accounts');
    if (!read.known) throw new Error(read.reason);
    expect(read.state.phase).toBe('failing-over');
    expect(read.state.move?.outcome).toBe('aborted');
    expect(read.state.resources['accounts-db']?.side).toBe('recovery');
    expect(read.state.resources['accounts-sessions']?.side).toBe('primary');
  });

  it('records drift between the record and AWS, audits it once, and never changes the phase', async () => {
    const r = recorder();
    const before = audited.filter((e) => e.type === 'state.drift').length;
    const drift = await r.onObserved('payments', [
      { facet: 'writer', side: 'recovery', text: 'writer is payments-usw2' },
    ]);
    expect(drift?.text).toMatch(/failed over by hand/);
    await r.onObserved('payments', [{ facet: 'writer', side: 'recovery', text: 'writer is payments-usw2' }]);
    expect(audited.filter((e) => e.type === 'state.drift').length).toBe(before + 1);
    const read = await r.read('payments');
    expect(read.known && read.state.phase).toBe('normal-in-primary');
    expect(read.known && read.state.drift?.observed).toBe('recovery');
    // AWS agrees again: the drift note goes.
    expect(
      await r.onObserved('payments', [{ facet: 'writer', side: 'primary', text: 'writer is payments-use1' }]),
    ).toBeUndefined();
    const again = await r.read('payments');
    expect(again.known && again.state.drift).toBeUndefined();
  });
});
