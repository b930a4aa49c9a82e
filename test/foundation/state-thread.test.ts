import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { threadOf } from '../../src/adapters/store/dynamo-thread.js';
import { createLifecycle } from '../../src/compose/lifecycle.js';
import { DYNAMO_THREAD_ON_DEMAND, openState } from '../../src/compose/state.js';
import { parseConfig } from '../../src/config.js';
import { systemClock } from '../../src/domain/clock.js';
import { createInFlight } from '../../src/domain/inflight.js';
import { createLogger } from '../../src/logger.js';

/** The bot's state store with DYNAMODB_THREAD=on: no DynamoDB thread while starting or idle; a burst starts it. */
describe('the state store with the DynamoDB thread on demand', () => {
  it('runs the start and a trickle of calls without a thread, and starts one on a burst once released', async () => {
    const config = parseConfig(
      { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', DYNAMODB_THREAD: 'on' },
      { memoryState: true },
    );
    const logger = createLogger({ level: 'silent' });
    const lifecycle = createLifecycle(logger, createInFlight());
    const state = await openState(config, { logger, clock: systemClock, lifecycle, instanceId: 'test' });
    try {
      const get = () =>
        state.documents.send(new GetCommand({ TableName: state.tableName, Key: { pk: 'X', sk: 'Y' } }));
      // Before ready, even a burst runs in the main thread.
      const burst = DYNAMO_THREAD_ON_DEMAND.callsPerSecond + 1;
      await Promise.all(Array.from({ length: burst }, get));
      await state.checkTable();
      expect(threadOf(state.documents)).toBeUndefined();

      state.releaseThread();
      // Ready and idle: a probe and a command's few calls start nothing.
      await state.checkTable();
      for (let i = 0; i < 5; i++) await get();
      expect(threadOf(state.documents)).toBeUndefined();
      // A burst (sent in one turn, so within one second whatever the machine's speed) starts it.
      await Promise.all(Array.from({ length: burst }, get));
      expect(threadOf(state.documents)).toBeDefined();
    } finally {
      await lifecycle.close();
    }
  });
});
