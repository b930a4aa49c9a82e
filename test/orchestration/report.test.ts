import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeText } from '../../blocks/escape.js';
import { createDocumentClient, ensureTable, startEmbeddedDynamo } from '../../src/adapters/store/dynamo.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import type { AuditEntry, AuditLog } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import type { ApprovalRecord, ExecutionRecord, IncidentRecord } from '../../src/domain/records.js';
import { createLogger } from '../../src/logger.js';
import { parsePlan } from '../../src/plan/load.js';
import { buildRecoveryReport, type ReportInput } from '../../src/report/build.js';
import { recoveryReportMarkdown } from '../../src/report/markdown.js';
import { createRecoveryReports, type ReportFile, type ReportThread } from '../../src/report/publish.js';
import { createReportStore } from '../../src/report/store.js';

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);
const MIN = 60_000;

const execution = (over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id: 'exec-1',
  service: 'payments',
  kind: 'failover',
  mode: 'unplanned',
  state: 'completed',
  requestedBy: 'U0ALICE',
  reason: 'us-east-1 writer <unreachable>',
  planHash: 'h',
  createdAtMs: T0,
  updatedAtMs: T0 + 10 * MIN,
  startedAtMs: T0 + 2 * MIN,
  finishedAtMs: T0 + 6 * MIN,
  steps: {
    'flip-dns': { state: 'succeeded', attempts: 1, startedAtMs: T0 + 5 * MIN, finishedAtMs: T0 + 6 * MIN },
    'promote-db': {
      state: 'succeeded',
      attempts: 2,
      startedAtMs: T0 + 2 * MIN,
      finishedAtMs: T0 + 5 * MIN,
      region: 'us-west-2',
      decidedBy: 'U0CAROL',
    },
  },
  ...over,
});

const approvals: ApprovalRecord[] = [
  { executionId: 'exec-1', userId: 'U0BOB', decision: 'approve', atMs: T0 + MIN, planHash: 'h' },
];

const entry = (type: AuditEntry['type'], atMs: number, actor: string, details: AuditEntry['details']) =>
  ({
    id: `d/0/${atMs}`,
    day: '2026-12-07',
    shard: 0,
    seq: 1,
    at: new Date(atMs).toISOString(),
    type,
    actor,
    executionId: 'exec-1',
    service: 'payments',
    details,
    writer: 'w',
    prevHash: '0',
    hash: '0',
  }) satisfies AuditEntry;

const audit: AuditEntry[] = [
  entry('approval.granted', T0 + MIN, 'U0BOB', { lagMs: 4_000, lagMeasuredAtMs: T0 + MIN - 500 }),
  entry('step.outcome', T0 + 3 * MIN, 'lifeboat', {
    stepId: 'promote-db',
    result: 'failed',
    error: 'Throttling',
  }),
  entry('step.retry', T0 + 4 * MIN, 'U0CAROL', { stepId: 'promote-db', attempt: 1 }),
];

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  execution: execution(),
  route: {
    sourceRegion: 'us-east-1',
    targetRegion: 'us-west-2',
    rtoMs: 15 * MIN,
    rpoMs: MIN,
    stepOrder: ['promote-db', 'flip-dns'],
    stepKinds: { 'promote-db': 'aurora-global', 'flip-dns': 'route53' },
  },
  approvals,
  audit,
  health: { kind: 'ok-at-finish' },
  timeline: { elapsed: (a, b) => b - a },
  version: 1,
  ...over,
});

describe('recovery report: content', () => {
  it('measures the actual recovery time as ARC does: runbook time plus the wait for the health alarms', () => {
    const atFinish = buildRecoveryReport(input());
    expect(atFinish.runbookMs).toBe(4 * MIN);
    expect(atFinish.recoveryMs).toBe(4 * MIN);

    const later = buildRecoveryReport(
      input({ health: { kind: 'ok', okAtMs: T0 + 9 * MIN, alarms: ['payments-5xx'] }, version: 2 }),
    );
    expect(later.healthWaitMs).toBe(3 * MIN);
    expect(later.recoveryMs).toBe(7 * MIN);
  });

  it('says the recovery time is not known while health alarms are still in ALARM', () => {
    const report = buildRecoveryReport(input({ health: { kind: 'pending', alarms: ['payments-5xx'] } }));
    expect(report.recoveryMs).toBeUndefined();
    expect(recoveryReportMarkdown(report)).toContain(
      'Actual recovery time not known yet: health alarm payments\\-5xx still in ALARM when the runbook finished (runbook 4 min); this report is posted again when they are OK.',
    );
  });

  it('takes the data-loss window from the lag measured at approval (unplanned), zero for planned and failbacks', () => {
    expect(buildRecoveryReport(input()).dataLoss).toEqual({
      kind: 'measured',
      lagMs: 4_000,
      measuredAtMs: T0 + MIN - 500,
    });
    expect(buildRecoveryReport(input({ audit: [] })).dataLoss).toEqual({ kind: 'not-measured' });
    expect(buildRecoveryReport(input({ execution: execution({ mode: 'planned' }) })).dataLoss.kind).toBe(
      'none',
    );
    expect(
      buildRecoveryReport(input({ execution: execution({ kind: 'failback', mode: 'planned' }) })).dataLoss
        .kind,
    ).toBe('none');
  });

  it('lists steps in runbook order with timings, people, pauses and choices', () => {
    const report = buildRecoveryReport(input());
    expect(report.steps.map((s) => [s.id, s.kind, s.durationMs, s.attempts])).toEqual([
      ['promote-db', 'aurora-global', 3 * MIN, 2],
      ['flip-dns', 'route53', MIN, 1],
    ]);
    expect(report.approvals).toEqual([{ userId: 'U0BOB', atMs: T0 + MIN }]);
    expect(report.events.map((e) => [e.what, e.actor, e.stepId])).toEqual([
      ['paused', 'lifeboat', 'promote-db'],
      ['retry', 'U0CAROL', 'promote-db'],
    ]);
  });

  it('renders deterministic Markdown, user text escaped', () => {
    const a = recoveryReportMarkdown(buildRecoveryReport(input()));
    const b = recoveryReportMarkdown(buildRecoveryReport(input({ audit: [...audit].reverse() })));
    expect(a).toBe(b);
    expect(a).toContain('# Recovery report: payments failover');
    expect(a).toContain('- Actual recovery time 4 min, RTO target 15 min: met.');
    expect(a).toContain(
      '- Requested by `U0ALICE` at 2026-12-07 03:00:00 UTC: us\\-east\\-1 writer \\<unreachable\\>',
    );
    expect(a).toContain('- Approved by `U0BOB` at 2026-12-07 03:01:00 UTC');
    expect(a).toContain(
      '| `promote-db` | aurora-global | succeeded | us-west-2 | 2026-12-07 03:02:00 UTC | 2026-12-07 03:05:00 UTC | 3 min | 2 | decided by U0CAROL |',
    );
    expect(a).toContain('- 2026-12-07 03:04:00 UTC retry at step `promote-db` (attempt 1) by `U0CAROL`');
    expect(a).toContain('Up to 4 s (RPO target 60 s): the replication lag measured at approval');
    expect(a).toContain(
      'https://docs.aws.amazon.com/arc-region-switch/latest/api/API_AbbreviatedExecution.html',
    );
  });

  it('refuses to report a drill or an execution still running', () => {
    expect(() => buildRecoveryReport(input({ execution: execution({ state: 'running' }) }))).toThrow(
      /not finished/,
    );
    expect(() => buildRecoveryReport(input({ execution: execution({ kind: 'drill' }) }))).toThrow(/drills/);
  });
});

describe('recovery report: archived, audited and posted once', () => {
  const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'));
  let dynamo: Awaited<ReturnType<typeof startEmbeddedDynamo>>;
  let client: ReturnType<typeof createDocumentClient>;
  const TABLE = 'lifeboat-reports';
  const clock = manualClock(T0 + 10 * MIN);

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    client = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-west-2' });
    await ensureTable(client, TABLE);
  }, 60_000);
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  const world = (incident: IncidentRecord | undefined, records: ExecutionRecord[], inForce = plan) => {
    const log: AuditLog = createAuditLog(createMemoryAuditStore(), { writerId: 'test', clock });
    const posted: { where: ReportThread; file: ReportFile }[] = [];
    const store = createReportStore(client, TABLE);
    const replica = () =>
      createRecoveryReports({
        store,
        approvals: { list: async () => approvals },
        executions: { get: async (id) => records.find((r) => r.id === id) },
        thread: async () => ({ channel: 'C0PAYMENTS', threadTs: '1.000' }),
        openIncident: async () => incident,
        post: async (where, file) => void posted.push({ where, file }),
        audit: log,
        getPlan: () => inForce,
        clock,
        logger: createLogger({ level: 'silent' }),
        escape: escapeText,
      });
    const reports = async () => {
      const out: AuditEntry[] = [];
      for await (const e of log.query()) if (e.type === 'report.recovery') out.push(e);
      return out;
    };
    return { replica, posted, store, reports };
  };

  it('posts the file in the thread once across replicas, its hash in the audit log matching the archive', async () => {
    const e = execution({ id: 'exec-once' });
    const w = world(undefined, [e]);
    const [a, b] = [w.replica(), w.replica()];
    await Promise.all([a.onExecution(e), b.onExecution(e), a.onExecution(e)]);

    expect(w.posted).toHaveLength(1);
    const { where, file } = w.posted[0] as { where: ReportThread; file: ReportFile };
    expect(where).toEqual({ channel: 'C0PAYMENTS', threadTs: '1.000' });
    expect(file.filename).toBe('lifeboat-recovery-payments-failover-exec-onc.md');
    expect(file.comment).toContain('Actual recovery time 4 min');
    const [audited] = await w.reports();
    const archived = await w.store.get('exec-once', 1);
    const sha = createHash('sha256').update(file.content).digest('hex');
    expect(audited?.details).toMatchObject({
      version: 1,
      sha256: sha,
      healthPending: false,
      recoveryMs: 4 * MIN,
    });
    expect(archived?.sha256).toBe(sha);
    expect(archived?.body).toBe(file.content);
    expect(await w.reports()).toHaveLength(1);
  });

  it('reports nothing for a running execution or a drill', async () => {
    const w = world(undefined, []);
    expect(await w.replica().onExecution(execution({ id: 'exec-run', state: 'running' }))).toBeUndefined();
    expect(await w.replica().onExecution(execution({ id: 'exec-drill', kind: 'drill' }))).toBeUndefined();
    expect(w.posted).toHaveLength(0);
  });

  it('waits for health alarms still in ALARM, then posts version 2 with the recovery time when the incident resolves', async () => {
    const e = execution({ id: 'exec-pending' });
    const incident: IncidentRecord = {
      id: 'inc-1',
      service: 'payments',
      state: 'open',
      openedAtMs: T0,
      channel: 'C0PAYMENTS',
      alarms: {
        'payments-5xx': { state: 'ALARM', changedAtMs: T0, count: 1 },
        'payments-latency': { state: 'OK', changedAtMs: T0, count: 2 },
      },
    };
    const w = world(incident, [e]);
    const first = await w.replica().onExecution(e);
    expect(first?.recoveryMs).toBeUndefined();
    expect(first?.health).toEqual({ kind: 'pending', alarms: ['payments-5xx'] });
    expect(w.posted[0]?.file.comment).toContain('not known yet');

    const resolved = { ...incident, state: 'resolved' as const, resolvedAtMs: T0 + 8 * MIN };
    const [a, b] = [w.replica(), w.replica()];
    const [x, y] = await Promise.all([a.incidentResolved(resolved), b.incidentResolved(resolved)]);

    expect([...x, ...y]).toHaveLength(1);
    const second = [...x, ...y][0];
    expect(second?.version).toBe(2);
    expect(second?.recoveryMs).toBe(6 * MIN); // 4 min runbook + 2 min until the alarms were OK
    expect(w.posted).toHaveLength(2);
    expect(w.posted[1]?.file.filename).toBe('lifeboat-recovery-payments-failover-exec-pen-v2.md');
    expect((await w.reports()).map((r) => [r.details.version, r.details.healthPending])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(await w.store.pending('payments')).toEqual([]);
  });

  it('counts a service the plan routes no alarm to as having nothing to wait for', async () => {
    const noAlarms = parsePlan(
      readFileSync('dr-plan.example.yml', 'utf8')
        .replace('      - pattern: "^payments-"\n', '')
        .replace(
          '      - name: payments-db-writer-unavailable # requested by people from the alarm card\n',
          '',
        )
        .replace('    alarms:\n    probes:', '    probes:'),
    );
    expect(noAlarms.services.payments?.alarms).toEqual([]);
    const e = execution({ id: 'exec-quiet' });
    const alarming: IncidentRecord = {
      id: 'inc-2',
      service: 'payments',
      state: 'open',
      openedAtMs: T0,
      channel: 'C0PAYMENTS',
      alarms: { 'payments-5xx': { state: 'ALARM', changedAtMs: T0, count: 1 } },
    };
    const report = await world(alarming, [e], noAlarms).replica().onExecution(e);
    expect(report?.health).toEqual({ kind: 'no-alarms' });
    expect(report?.recoveryMs).toBe(4 * MIN);
  });
});
