import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import type { ExecutionRecord } from '../../src/domain/records.js';
import { createLogger } from '../../src/logger.js';
import type { Execution, RunbookDeps } from '../../src/runbook/types.js';
import { createWriter } from '../../src/runbook/writer.js';

const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);

function captured() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('runbook log lines an operator can follow (one JSON line per event)', () => {
  it('logs each recorded step and execution change with the execution id, service and kind', async () => {
    // Prepare: a store that accepts every transition (the version check is the store's contract, tested elsewhere).
    const { lines, logger } = captured();
    const initial: Execution = {
      id: 'exec-42',
      service: 'payments',
      kind: 'failover',
      mode: 'unplanned',
      state: 'running',
      requestedBy: 'U0ALICE',
      reason: 'outage',
      planHash: 'h',
      createdAtMs: T0,
      updatedAtMs: T0,
      steps: {},
      version: 1,
    };
    const executions = {
      transition: async (_id: string, version: number, next: ExecutionRecord) => ({
        ...next,
        version: version + 1,
      }),
    };
    const writer = createWriter(
      {
        stores: { executions } as unknown as RunbookDeps['stores'],
        onChange: async () => undefined,
        clock: manualClock(T0),
        logger,
      },
      initial,
    );

    // Act
    await writer.update((e) => ({
      ...e,
      steps: { 'promote-db': { state: 'intent', attempts: 1, region: 'us-west-2' } },
    }));
    await writer.update((e) => ({
      ...e,
      state: 'pausedByFailedStep',
      pausedAtStep: 'promote-db',
      lastError: 'AccessDenied',
      steps: { 'promote-db': { state: 'failed', attempts: 1, error: 'AccessDenied' } },
    }));
    await writer.update((e) => ({ ...e }));

    // Assert
    expect(lines.map((l) => [l.msg, l.step, l.stepState ?? l.state])).toEqual([
      ['step intent', 'promote-db', 'intent'],
      ['step failed', 'promote-db', 'failed'],
      ['execution pausedByFailedStep', 'promote-db', 'pausedByFailedStep'],
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({
        executionId: 'exec-42',
        service: 'payments',
        kind: 'failover',
        level: 30,
      });
    }
    expect(lines[1]).toMatchObject({ error: 'AccessDenied', attempt: 1 });
    expect(lines[2]).toMatchObject({ from: 'running', error: 'AccessDenied' });
  });
});
