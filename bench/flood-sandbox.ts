import { ActionId } from '../blocks/ids.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { StoredMessage } from '../src/sandbox/slack/types.js';
import { serveLines } from './alarms-ipc.js';

/**
 * The flood benchmark's bot side (bench/flood.bench.ts): the whole sandbox (bot, Slack emulator,
 * simulated AWS) in this process, a us-east-1 outage, and Lifeboat's accounts failover request
 * approved once by Alice. Commands: `memory` (RSS samples), `approve` (Bob's click: the time to its
 * ack and to the runbook's first mutating AWS call after it), `refusals` (the refusal audit's counters).
 */
const ACCOUNTS = 'C0ACCOUNTS';
const READ_ONLY = /^(Describe|Get|List)/;

const sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120 });
sandbox.cloud.faults.regionOutage('us-east-1');
const hasApprove = (m: StoredMessage) =>
  JSON.stringify(m.blocks ?? []).includes(`"${ActionId.failoverApprove}"`);
const card = await sandbox.slack.waitFor(() => sandbox.slack.messages(ACCOUNTS).find(hasApprove), 90_000);
const approve = (userId: string) =>
  sandbox.slack.clickButton({
    userId,
    channelId: ACCOUNTS,
    messageTs: card.ts,
    actionId: ActionId.failoverApprove,
  });
const first = await approve('U0ALICE');
if (first.status !== 200) throw new Error(`first approval answered ${first.status}`);

const calls: { operation: string; service: string; at: number }[] = [];
sandbox.cloud.events.on('call', (c: { operation: string; service: string }) =>
  calls.push({ operation: c.operation, service: c.service, at: performance.now() }),
);

let sampler: NodeJS.Timeout | undefined;
let samples: number[] = [];
const rssMb = () => process.memoryUsage().rss / 1_048_576;

serveLines(
  { bot: sandbox.bot.url },
  {
    async memory(args) {
      if (args.mode === 'start') {
        samples = [];
        sampler = setInterval(() => samples.push(rssMb()), 200);
        return {};
      }
      clearInterval(sampler);
      const max = Math.max(...samples);
      const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
      return { max, mean, samples: samples.length };
    },
    async approve() {
      const started = performance.now();
      const delivered = await approve('U0BOB');
      const acked = performance.now();
      const deadline = acked + 30_000;
      let mutating: (typeof calls)[number] | undefined;
      while (!mutating && performance.now() < deadline) {
        mutating = calls.find((c) => c.at >= started && !READ_ONLY.test(c.operation));
        if (!mutating) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const firstCall = calls.find((c) => c.at >= acked);
      const after = calls
        .filter((c) => c.at >= started && (!mutating || c.at <= mutating.at))
        .map((c) => `${c.service}:${c.operation}@${Math.round(c.at - acked)}ms`);
      return {
        status: delivered.status,
        timedOut: delivered.timedOut,
        ackMs: acked - started,
        firstCallAfterAckMs: firstCall ? firstCall.at - acked : null,
        firstMutatingAfterAckMs: mutating ? mutating.at - acked : null,
        mutating: mutating ? `${mutating.service}:${mutating.operation}` : null,
        firstCall: firstCall ? `${firstCall.service}:${firstCall.operation}` : null,
        callsUntilMutating: after.slice(0, 40),
      };
    },
    async refusals() {
      await sandbox.bot.refusals.flush();
      return { ...sandbox.bot.refusals.stats() };
    },
  },
  () => sandbox.close(),
);
