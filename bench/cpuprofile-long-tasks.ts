import { readFile } from 'node:fs/promises';

/**
 * What a thread did in its long tasks: reads a V8 `.cpuprofile` (node --cpu-prof) and splits its
 * samples into busy stretches (consecutive samples that are not `(idle)`), then, over the stretches
 * longer than a threshold only, sums self time by function, by the kind of code (GC, the AWS SDK, the
 * HTTP parser, Lifeboat's own source, …) and by the nearest Lifeboat frame on the stack. Overall self
 * time hides what makes a stall; this is what a request arriving during one waited for.
 *
 * Usage: `npx tsx bench/cpuprofile-long-tasks.ts <file.cpuprofile> [threshold ms, default 50] [top, default 25]
 * [from s] [to s]` (the window: seconds since the profile started, e.g. the storm's; default all of it).
 * A sample that came long after the one before (more than 4 sampling intervals) is counted apart as
 * "late" time: the thread (or its sampler) was off the core, which is contention, not work.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const PRODUCT = /\/(src|handlers|blocks)\//;

/** The kind of code a frame is, by its URL and name. */
export function kindOf(frame: CallFrame): string {
  const { functionName: name, url } = frame;
  if (name === '(garbage collector)') return 'gc';
  if (name === '(program)') return 'program (native, outside JS)';
  if (name === '(idle)') return 'idle';
  if (url.includes('@aws-sdk/') || url.includes('@smithy/') || url.includes('@aws-crypto/')) return 'aws sdk';
  if (url.includes('@slack/') || url.includes('/express') || url.includes('body-parser'))
    return 'bolt/express';
  if (url.includes('/zod/')) return 'zod';
  if (url.includes('/pino')) return 'pino';
  if (url.includes('/tsx/') || url.includes('esbuild')) return 'tsx';
  if (url.includes('node_modules'))
    return `other deps (${/node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? '?'})`;
  if (url.startsWith('node:internal/http') || url.startsWith('node:_http') || url === 'node:http')
    return 'node http';
  if (url.startsWith('node:internal/worker') || name === 'postMessage') return 'worker messages';
  if (url.startsWith('node:internal/crypto') || url === 'node:crypto') return 'node crypto';
  if (url.startsWith('node:internal/streams') || url.startsWith('node:internal/stream'))
    return 'node streams';
  if (url.startsWith('node:internal/timers') || url.startsWith('node:internal/process/task_queues'))
    return 'node timers/microtasks';
  if (url.startsWith('node:')) return `node other (${url.slice(5).split('/').slice(0, 2).join('/')})`;
  if (PRODUCT.test(url)) return 'lifeboat';
  if (url === '') return `native (${name || 'anonymous'})`;
  return 'other';
}

/**
 * What a sample was doing, by the frames on its whole stack (the first rule that matches): the work a stall
 * belongs to, where self time only names the leaf (SDK middleware, a hash).
 */
export function stackTag(stack: readonly CallFrame[]): string {
  const top = stack[0];
  if (top?.functionName === '(garbage collector)') return 'GC';
  if (top?.functionName === '(program)') return 'program (native, outside JS)';
  const has = (pattern: RegExp) => stack.some((f) => pattern.test(f.url));
  if (has(/\/src\/sandbox\//)) return 'simulated AWS (in the bench bot only)';
  if (has(/\/src\/(readiness|state)\//)) return 'readiness and operating state';
  if (has(/sns-verify|sns-endpoint/)) return 'SNS verification and /sns';
  if (has(/\/src\/adapters\/slack\//)) return 'Slack outbox and Web API';
  if (has(/dynamo-thread|thread-protocol/)) return 'DynamoDB thread facade';
  if (has(/\/src\/alarms\//)) return 'alarm pipeline';
  if (has(/\/src\/audit\//)) return 'audit';
  if (has(/\/handlers\/|@slack\/bolt/)) return 'Bolt handlers';
  if (has(/\/src\/http\//)) return 'HTTP server';
  if (has(/@aws-sdk|@smithy/)) return 'AWS SDK, no Lifeboat frame (continuations)';
  if (has(/undici|internal\/deps/)) return 'fetch (undici)';
  if (has(/^node:(_http|http|net|internal\/http)/)) return 'node http/net';
  return 'other';
}

const where = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src|handlers|blocks|bench)\//, '$1/')}:${String(f.lineNumber + 1)}`;

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

export interface LongTaskSummary {
  readonly totalMs: number;
  readonly busyMs: number;
  readonly lateMs: number;
  readonly tasks: readonly number[];
  readonly inLongMs: number;
  readonly byKind: Map<string, number>;
  readonly byFunction: Map<string, number>;
  readonly byProductFrame: Map<string, number>;
  readonly byStack: Map<string, number>;
}

export function summarise(
  profile: Profile,
  thresholdMs: number,
  window: { readonly fromMs: number; readonly toMs: number } = { fromMs: 0, toMs: Number.POSITIVE_INFINITY },
): LongTaskSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): CallFrame[] => {
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame) frames.push(frame);
    }
    return frames;
  };
  const nearestProduct = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && PRODUCT.test(frame.url)) return where(frame);
    }
    return '(no Lifeboat frame)';
  };
  const deltas = profile.timeDeltas;
  const positive = deltas.filter((d) => d > 0).sort((a, b) => a - b);
  const interval = positive[Math.floor(positive.length / 2)] ?? 1000;
  // Sample i lasts until sample i + 1.
  const duration = (i: number) => deltas[i + 1] ?? interval;
  const isIdle = (i: number) => byId.get(profile.samples[i] ?? -1)?.callFrame.functionName === '(idle)';
  // Each sample's time since the profile started, to keep only the stretches inside the window.
  const at: number[] = [];
  let elapsed = 0;
  for (const d of deltas) {
    elapsed += d;
    at.push(elapsed / 1000);
  }
  const inWindow = (i: number) => (at[i] ?? 0) >= window.fromMs && (at[i] ?? 0) < window.toMs;
  const summary = {
    totalMs: 0,
    busyMs: 0,
    lateMs: 0,
    tasks: [] as number[],
    inLongMs: 0,
    byKind: new Map<string, number>(),
    byFunction: new Map<string, number>(),
    byProductFrame: new Map<string, number>(),
    byStack: new Map<string, number>(),
  };
  let i = 0;
  while (i < profile.samples.length) {
    if (isIdle(i) || !inWindow(i)) {
      if (inWindow(i)) summary.totalMs += duration(i) / 1000;
      i++;
      continue;
    }
    let end = i;
    let us = 0;
    while (end < profile.samples.length && !isIdle(end) && inWindow(end)) us += duration(end++);
    summary.totalMs += us / 1000;
    summary.busyMs += us / 1000;
    summary.tasks.push(us / 1000);
    if (us / 1000 >= thresholdMs) {
      summary.inLongMs += us / 1000;
      for (let s = i; s < end; s++) {
        const id = profile.samples[s] ?? -1;
        const frame = byId.get(id)?.callFrame;
        if (!frame) continue;
        const d = duration(s);
        if (d > 4 * interval) {
          // Off the core: the thread was waiting, not working.
          summary.lateMs += d / 1000;
          add(summary.byKind, 'late (off the core)', d);
          continue;
        }
        add(summary.byKind, kindOf(frame), d);
        add(summary.byFunction, `[${kindOf(frame)}] ${where(frame)}`, d);
        add(summary.byProductFrame, nearestProduct(id), d);
        add(summary.byStack, stackTag(stackOf(id)), d);
      }
    }
    i = end;
  }
  return summary;
}

function table(title: string, map: Map<string, number>, top: number, totalUs: number): string {
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    title,
    ...rows.map(
      ([k, us]) =>
        `  ${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${k}`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const [file, threshold = '50', top = '25', from = '0', to = 'Infinity'] = process.argv.slice(2);
  if (!file)
    throw new Error('usage: tsx bench/cpuprofile-long-tasks.ts <file.cpuprofile> [threshold ms] [top]');
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const s = summarise(profile, Number(threshold), { fromMs: Number(from) * 1000, toMs: Number(to) * 1000 });
  const long = [...s.tasks].filter((t) => t >= Number(threshold)).sort((a, b) => b - a);
  const inLongUs = s.inLongMs * 1000;
  process.stdout.write(
    [
      `${file} (${from}-${to} s): ${s.totalMs.toFixed(0)} ms profiled, busy ${s.busyMs.toFixed(0)} ms in ${String(s.tasks.length)} stretches`,
      `stretches ≥ ${threshold} ms: ${String(long.length)}, ${s.inLongMs.toFixed(0)} ms (of which late, off the core: ${s.lateMs.toFixed(0)} ms); longest ${long
        .slice(0, 12)
        .map((t) => t.toFixed(0))
        .join(', ')}`,
      table('by what the stack was doing (inside long stretches)', s.byStack, 20, inLongUs),
      table('by kind (self time inside long stretches)', s.byKind, top === '0' ? 0 : 40, inLongUs),
      table('by function', s.byFunction, Number(top), inLongUs),
      table('by nearest Lifeboat frame on the stack', s.byProductFrame, Number(top), inLongUs),
      '',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
