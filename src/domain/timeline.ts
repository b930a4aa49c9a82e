/**
 * How Lifeboat turns two readings of its clock into a duration it reports (time to ready, data age, how
 * long a step took). Against AWS a duration is their difference. The sandbox's simulated cloud runs
 * faster than the clock, so there durations are what its model took, and every figure says so.
 */
export interface Timeline {
  /** Milliseconds from `fromMs` to `toMs` (both clock readings or AWS timestamps), as reported. */
  elapsed(fromMs: number, toMs: number): number;
  /** Shown next to durations that are not wall-clock time, e.g. "simulated AWS at 60x"; absent for real time. */
  readonly note?: string;
}

/** Real time: durations are plain differences of clock readings. */
export const wallTimeline: Timeline = { elapsed: (fromMs, toMs) => toMs - fromMs };
