import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeaseStore } from '../../src/adapters/store/leases.js';
import { manualClock } from '../../src/domain/clock.js';
import { createSlotCoordinator } from '../../src/scheduler/coordinator.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createDynamoSlotStore } from '../../src/scheduler/slots.js';
import { memorySchedulerStorage } from '../../src/scheduler/storage.js';
import { startTestTable, type TestTable } from '../audit/helpers.js';
import { entries, memoryAudit, silentLogger } from './helpers.js';

const SLOT = '2026-03-28T08:00:00.000Z';

describe('slot store on DynamoDB (dynalite)', () => {
  let table: TestTable;
  const clock = manualClock(Date.parse(SLOT));
  beforeAll(async () => {
    table = await startTestTable('lifeboat-slots-test');
  });
  afterAll(async () => {
    await table.close();
  });
  const store = () => createDynamoSlotStore(table.client, table.tableName, clock);

  it('lets exactly one owner claim a slot', async () => {
    // Act
    const results = await Promise.all(
      ['a', 'b', 'c'].map((owner) => store().claim('job1', SLOT, owner, 60_000, false)),
    );
    // Assert
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lets another replica take over a claim that lapsed before the run finished', async () => {
    // Prepare
    await store().claim('job2', SLOT, 'a', 60_000, false);
    // Act
    const early = await store().claim('job2', SLOT, 'b', 60_000, false);
    clock.advance(60_001);
    const late = await store().claim('job2', SLOT, 'b', 60_000, false);
    // Assert
    expect([early, late]).toEqual([false, true]);
    expect(await store().finish('job2', SLOT, 'a', { state: 'done' })).toBe(false);
    expect((await store().get('job2', SLOT))?.owner).toBe('b');
  });

  it('never claims a finished slot again, even after its lease time', async () => {
    // Prepare
    await store().claim('job3', SLOT, 'a', 1_000, false);
    await store().finish('job3', SLOT, 'a', { state: 'done', summary: { n: 1 } });
    clock.advance(10_000);
    // Act
    const again = await store().claim('job3', SLOT, 'b', 1_000, true);
    // Assert
    expect(again).toBe(false);
    expect(await store().latest('job3')).toMatchObject({ state: 'done', owner: 'a', summary: { n: 1 } });
  });

  it('skips a slot while the previous slot of the same job still runs on another replica', async () => {
    // Prepare
    const leases = createLeaseStore(table.client, table.tableName, clock);
    const slots = store();
    const a = createSlotCoordinator({ slots, leases, owner: 'a' });
    const b = createSlotCoordinator({ slots, leases, owner: 'b' });
    const first = await a.tryClaim('job4', SLOT, 60_000, false);
    // Act
    const overlapping = await b.tryClaim('job4', '2026-03-28T08:00:01.000Z', 60_000, false);
    if (first) await a.release(first);
    const afterwards = await b.tryClaim('job4', '2026-03-28T08:00:02.000Z', 60_000, false);
    // Assert
    expect(first).toBeDefined();
    expect(overlapping).toBeUndefined();
    expect(afterwards).toBeDefined();
  });
});

describe('scheduler runs', () => {
  it('catches, logs and audits a failing job, and records the slot as failed', async () => {
    // Prepare
    const clock = manualClock(Date.parse(SLOT));
    const storage = memorySchedulerStorage(clock);
    const audit = memoryAudit(clock);
    const scheduler = createScheduler({
      jobs: [
        {
          name: 'boom',
          description: 'fails',
          cron: '0 * * * * *',
          timezone: 'UTC',
          timeoutMs: 1_000,
          run: async () => {
            throw new Error('AccessDenied on rds:DescribeDBClusters');
          },
        },
      ],
      ...storage,
      instanceId: 'a',
      clock,
      logger: silentLogger(),
      audit,
    });
    // Act
    const first = await scheduler.runSlot('boom', Date.parse(SLOT));
    const second = await scheduler.runSlot('boom', Date.parse(SLOT));
    // Assert
    expect([first, second]).toEqual(['ran', 'skipped']);
    expect(storage.slots.all()).toMatchObject([
      { state: 'failed', error: 'AccessDenied on rds:DescribeDBClusters' },
    ]);
    const audited = await entries(audit);
    expect(audited.map((e) => [e.type, e.details.job])).toEqual([['job.failed', 'boom']]);
    const [status] = await scheduler.status();
    expect(status?.lastRun).toMatchObject({ state: 'failed', slotAt: Date.parse(SLOT) });
  });
});
