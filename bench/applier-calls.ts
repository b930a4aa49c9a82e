import { createPipeline } from '../src/alarms/pipeline.js';
import { applier } from '../test/alarms/applier-fakes.js';
import { serviceName, stormShape } from './alarms-shape.js';

/**
 * The alarm applier's store calls for a storm's shape, counted without DynamoDB or load: the generator's
 * sequence (bench/alarms-storm.ts: notification i is alarm i mod alarms, of service k mod services, its n-th
 * ALARM 7 times in 10, OK 3 times) on schedule in virtual time, through `createPipeline` on in-memory stores
 * that count calls (test/alarms/applier-fakes.ts). The applier's own reads and writes only: the card's reads
 * (incident-slack.ts) and receipts are not in it. `tsx bench/applier-calls.ts [count/seconds]`, with
 * LIFEBOAT_ALARM_SHAPE as for `npm run bench alarms`. Deterministic, so one run is the figure.
 */
export async function applierCalls(create: typeof createPipeline = createPipeline) {
  const shape = stormShape();
  const a = applier({}, create);
  const perAlarm: number[] = [];
  const stepMs = (shape.seconds * 1_000) / shape.count;
  for (let i = 0; i < shape.count; i++) {
    const k = i % shape.alarms;
    const n = perAlarm[k] ?? 0;
    perAlarm[k] = n + 1;
    const service = serviceName(k % shape.services);
    await a.ingest(service, n % 10 < 7 ? 'ALARM' : 'OK', `storm-${service}-${String(k)}`);
    await a.timer.advance(stepMs);
  }
  await a.timer.advance(60_000);
  await a.pipeline.idle();
  return {
    shape: `${String(shape.count)}/${String(shape.seconds)} over ${String(shape.services)} services`,
    applied: a.applied(),
    pointerGets: a.pointers.calls.get,
    pointerWrites: a.pointers.calls.create + a.pointers.calls.transition,
    incidentGets: a.incidents.calls.get,
    incidentWrites: a.incidents.calls.create + a.incidents.calls.transition,
  };
}

if (process.argv[1]?.endsWith('applier-calls.ts')) console.log(JSON.stringify(await applierCalls()));
