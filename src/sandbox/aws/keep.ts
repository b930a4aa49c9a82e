import { decode, encode, replaceInto } from '../persist.js';
import type { CloudWatchState } from './alarms-notify.js';
import type { World } from './world.js';

/** The simulated cloud as saved by `npm start -- --keep` (plain JSON). */
export interface SavedCloud {
  readonly version: 1;
  /** When the world was seeded (the origin of its simulated timeline). */
  readonly seededAt: number;
  /** When it was saved, and when the last AWS operation still in progress then completes (clock ms). */
  readonly savedAt: number;
  readonly settledAt: number;
  readonly world: unknown;
  readonly alarms: unknown;
  readonly alarmHistory: unknown;
}

/** The World's fields that are state, not machinery (time, scheduler, events and the random source are rebuilt). */
const MACHINERY = new Set(['time', 'scheduler', 'events', 'random']);

/**
 * Saves the model. AWS keeps working while the sandbox is stopped: operations still in progress (a promotion,
 * a restore) run to completion at their own due times first, and `settledAt` says when the last one completes
 * so that a restart before then waits for it rather than showing it done early.
 */
export function saveCloud(w: World, cw: CloudWatchState, seededAt: number): SavedCloud {
  const now = w.time.now();
  // Transitions schedule follow-ups at their own due times; run until no operation is left in progress. Only
  // up to the last one's due time: a recurring schedule (a backup plan's daily rule) re-arms itself for ever
  // and is not run beyond it (it is re-armed from the plan when the world is continued).
  let settledAt = now;
  for (let i = 0; i < 100; i++) {
    const due = w.scheduler.lastDue;
    if (due === undefined) break;
    settledAt = Math.max(settledAt, due);
    w.scheduler.runDue(due);
  }
  const state: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(w)) if (!MACHINERY.has(key)) state[key] = encode(value);
  return {
    version: 1,
    seededAt,
    savedAt: now,
    settledAt,
    world: state,
    alarms: cw.alarms.map((a) =>
      encode(
        a.type === 'MetricAlarm'
          ? { name: a.name, state: a.state, nextEvaluation: a.nextEvaluation, recent: a.recent }
          : { name: a.name, state: a.state },
      ),
    ),
    alarmHistory: encode(cw.history),
  };
}

/** Writes a saved model over a freshly seeded one, in place. */
export function restoreCloud(w: World, cw: CloudWatchState, saved: SavedCloud): void {
  replaceInto(w, decode(saved.world));
  const alarms = decode(saved.alarms);
  if (Array.isArray(alarms)) {
    for (const entry of alarms) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { name, ...mutable } = entry as { name?: unknown };
      const alarm = cw.alarms.find((a) => a.name === name);
      if (alarm) Object.assign(alarm, mutable);
    }
  }
  replaceInto(cw.history, decode(saved.alarmHistory));
}
