import type { Clock } from '../../domain/clock.js';
import type { Timeline } from '../../domain/timeline.js';

/**
 * Simulated time. `clock.now()` is the one wall clock shared with the bot; `scale` compresses the
 * duration of simulated operations (scale 60: an operation AWS takes a minute for completes in one
 * second of clock time) and stretches lags (replication that stopped one clock second ago is 60 s
 * behind). All durations passed to this module are realistic (simulated) milliseconds.
 */
export interface SimTime {
  readonly clock: Clock;
  readonly scale: number;
  now(): number;
  /** Clock milliseconds that a realistic duration takes. */
  toClock(simMs: number): number;
  /** Realistic milliseconds that a clock interval represents. */
  toSim(clockMs: number): number;
  /** Waits (on real timers) for as long as a realistic duration takes at this scale. */
  wait(simMs: number): Promise<void>;
}

export function createSimTime(clock: Clock, scale: number): SimTime {
  if (!(scale > 0)) throw new Error(`timeScale must be positive, got ${scale}`);
  return {
    clock,
    scale,
    now: () => clock.now(),
    toClock: (simMs) => simMs / scale,
    toSim: (clockMs) => clockMs * scale,
    wait: (simMs) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, simMs / scale));
        timer.unref?.();
      }),
  };
}

/**
 * The simulated cloud's own time, for the durations Lifeboat reports in the sandbox. From `originMs` (when
 * the world was seeded) on, a clock interval is `scale` times as long; timestamps before it are seeded
 * history, already realistic (a snapshot seeded 3 h old is 3 h old). So a restore the model takes 12
 * minutes for measures 12 minutes, and a copy's data age counts the seeded age plus simulated time since.
 */
export function simulatedTimeline(time: SimTime, originMs: number): Timeline {
  const sim = (t: number) => (t <= originMs ? t : originMs + time.toSim(t - originMs));
  return {
    elapsed: (fromMs, toMs) => sim(toMs) - sim(fromMs),
    note: `simulated AWS at ${time.scale}x`,
  };
}

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly run: (at: number) => void;
  /** A schedule that re-arms itself for ever (a backup plan's daily rule): not an operation in progress. */
  readonly recurring: boolean;
}

/**
 * Deferred state transitions, run lazily in time order whenever the world is observed. Each
 * callback receives its own due time, so chains of transitions keep exact timing however late
 * they are observed.
 */
export class Scheduler {
  private queue: Scheduled[] = [];
  private seq = 0;

  at(at: number, run: (at: number) => void, options: { readonly recurring?: boolean } = {}): void {
    this.queue.push({ at, seq: this.seq++, run, recurring: options.recurring === true });
  }

  runDue(now: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      let next: Scheduled | undefined;
      for (const item of this.queue) {
        if (item.at <= now && (!next || item.at < next.at || (item.at === next.at && item.seq < next.seq)))
          next = item;
      }
      if (!next) return;
      const picked = next;
      this.queue = this.queue.filter((item) => item !== picked);
      picked.run(picked.at);
    }
  }

  /** Operations in progress (recurring schedules are not: they never end). */
  get pending(): number {
    return this.queue.filter((item) => !item.recurring).length;
  }

  /** The due time of the last operation in progress, if any (recurring schedules left out). */
  get lastDue(): number | undefined {
    const inProgress = this.queue.filter((item) => !item.recurring);
    return inProgress.length > 0 ? Math.max(...inProgress.map((item) => item.at)) : undefined;
  }
}

/** A half-open time interval [from, to); `to` undefined while it lasts. */
export interface Interval {
  from: number;
  to?: number;
}

export function activeAt(intervals: readonly Interval[] | undefined, t: number): Interval | undefined {
  return intervals?.find((i) => i.from <= t && (i.to === undefined || t < i.to));
}

export function openInterval(map: Map<string, Interval[]>, key: string, now: number): void {
  const list = map.get(key) ?? [];
  if (!list.some((i) => i.to === undefined)) list.push({ from: now });
  map.set(key, list);
}

export function closeInterval(map: Map<string, Interval[]>, key: string, now: number): void {
  for (const i of map.get(key) ?? []) if (i.to === undefined) i.to = now;
}

/** Deterministic PRNG (mulberry32) so probabilistic faults are reproducible. */
export function seededRandom(seed = 42): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
