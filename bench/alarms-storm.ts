import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadPlanFile } from '../src/plan/load.js';
import { createSimulatedCloud } from '../src/sandbox/aws/index.js';
import { type Json, serveLines } from './alarms-ipc.js';

/**
 * The storm generator, in its own process: the sandbox's simulated SNS, which RSA-signs every
 * notification and POSTs it to the bot's /sns (retrying as SNS does). Usage:
 * `tsx bench/alarms-storm.ts <plan.yml> <certificate.pem to write>`; then requests
 * `subscribe { url }`, `single { k, state }` and `storm { count, seconds, alarms }` (answers the published MessageIds).
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms';

const cwTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/**
 * Alarm `k`'s n-th notification (alarm k belongs to the plan's service k mod the number of services): mostly
 * ALARM (repeats included), OK now and then, so incidents flap between open and resolved.
 */
function notification(
  services: readonly string[],
  k: number,
  n: number,
  at: number,
): { subject: string; message: string } {
  const service = services[k % services.length];
  const name = `storm-${service}-${k}`;
  const state = n % 10 < 7 ? 'ALARM' : 'OK';
  const message = JSON.stringify({
    AlarmName: name,
    AlarmDescription: `storm alarm ${k}`,
    AWSAccountId: '123456789012',
    NewStateValue: state,
    NewStateReason: `Threshold Crossed: storm datapoint ${n}`,
    StateChangeTime: cwTime(at),
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    Trigger: {
      MetricName: 'Errors',
      Namespace: 'Storm',
      Statistic: 'SUM',
      Dimensions: [{ value: service, name: 'Service' }],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1,
      TreatMissingData: 'missing',
    },
  });
  return { subject: `${state}: "${name}" in US East (N. Virginia)`, message };
}

async function main(planPath: string, pemPath: string): Promise<void> {
  const plan = await loadPlanFile(planPath);
  const services = Object.keys(plan.services);
  const cloud = await createSimulatedCloud({ plan, timeScale: 60 });
  await writeFile(pemPath, cloud.certificatePem, { mode: 0o600 });

  let gaveUp = 0;
  let failedAttempts = 0;
  let retriesOutstanding = 0;
  cloud.events.on('delivery', (d: { ok: boolean; willRetry: boolean; type: string; attempt: number }) => {
    if (d.type !== 'Notification') return;
    if (d.attempt > 1) retriesOutstanding--;
    if (d.ok) return;
    failedAttempts++;
    if (d.willRetry) retriesOutstanding++;
    else gaveUp++;
  });

  const handlers: Record<string, (args: Json) => Promise<Json>> = {
    async subscribe(args) {
      for (const topic of plan.alarmTopics) await cloud.subscribeHttp(topic, String(args.url));
      return { subscribed: plan.alarmTopics.length };
    },
    /** One notification of alarm `k` (its service: the plan's `k` mod services) in `state`, for the no-storm latency. */
    async single(args) {
      const k = Number(args.k);
      const at = Date.now();
      const { subject, message } = notification(services, k, args.state === 'OK' ? 7 : 0, at);
      const id = cloud.publish(TOPIC, message, subject);
      await cloud.tick();
      return { id, at, service: services[k % services.length] ?? '' };
    },
    async storm(args) {
      const count = Number(args.count);
      const seconds = Number(args.seconds);
      const alarms = Number(args.alarms);
      const ids: string[] = [];
      const perAlarm = new Array<number>(alarms).fill(0);
      const started = Date.now();
      const cpu = process.cpuUsage();
      let behindMs = 0;
      for (let i = 0; i < count; i++) {
        const dueAt = started + (i * seconds * 1000) / count;
        const wait = dueAt - Date.now();
        if (wait > 2) await sleep(wait);
        else behindMs = Math.max(behindMs, -wait);
        const k = i % alarms;
        const n = perAlarm[k] ?? 0;
        perAlarm[k] = n + 1;
        const { subject, message } = notification(services, k, n, Date.now() + n);
        ids.push(cloud.publish(TOPIC, message, subject));
      }
      const publishedMs = Date.now() - started;
      const used = process.cpuUsage(cpu);
      const cpuShare = Math.round((used.user + used.system) / 10 / publishedMs) / 100;
      // Deliveries in flight, then SNS's retries (20 simulated seconds apart) until none is left.
      await cloud.tick();
      while (retriesOutstanding > 0) {
        await sleep(200);
        await cloud.tick();
      }
      return { ids, gaveUp, failedAttempts, publishedMs, cpuShare, maxBehindMs: Math.round(behindMs) };
    },
  };
  serveLines({ certUrl: cloud.signingCertUrl }, handlers, () => cloud.close());
}

const [planPath, pemPath] = process.argv.slice(2);
if (!planPath || !pemPath) throw new Error('usage: tsx bench/alarms-storm.ts <plan.yml> <cert.pem>');
await main(planPath, pemPath);
