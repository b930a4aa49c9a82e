/**
 * One bot replica for the exactly-once test: the real scheduler (node-cron, slot store, lease store)
 * against the DynamoDB endpoint and table given as arguments. Its one job runs every second and takes
 * longer than that, and writes one item per run (no condition, so a duplicate run would show).
 * Prints "ready" once started; stops on SIGTERM.
 *
 *   tsx test/scheduler/replica-main.ts <endpoint> <table> <replica-id>
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { createDocumentClient } from '../../src/adapters/store/dynamo.js';
import { createLeaseStore } from '../../src/adapters/store/leases.js';
import { systemClock } from '../../src/domain/clock.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createDynamoSlotStore } from '../../src/scheduler/slots.js';

const [endpoint, tableName, replicaId] = process.argv.slice(2);
if (!endpoint || !tableName || !replicaId)
  throw new Error('usage: replica-main <endpoint> <table> <replica-id>');

const client = createDocumentClient({ endpoint, region: 'us-east-1' });
const scheduler = createScheduler({
  jobs: [
    {
      name: 'tick',
      description: 'test job',
      cron: '* * * * * *',
      timezone: 'UTC',
      timeoutMs: 5_000,
      async run({ slot }) {
        const startedAtMs = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk: 'TEST#RUNS',
              sk: `${new Date(slot).toISOString()}#${replicaId}#${startedAtMs}`,
              slot: new Date(slot).toISOString(),
              replica: replicaId,
              startedAtMs,
              finishedAtMs: Date.now(),
            },
          }),
        );
        return { replica: replicaId };
      },
    },
  ],
  slots: createDynamoSlotStore(client, tableName, systemClock),
  leases: createLeaseStore(client, tableName, systemClock),
  instanceId: replicaId,
  clock: systemClock,
  logger: pino({ level: 'silent' }),
});

await scheduler.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void scheduler.stop(5_000).then(() => {
    client.destroy();
    process.exit(0);
  });
});
// node-cron's timers are unref'd (they must not keep a bot alive on shutdown); this keeps the replica up.
setInterval(() => undefined, 60_000);
