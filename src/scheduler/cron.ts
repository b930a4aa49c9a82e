import { DAY_MS, HOUR_MS, MINUTE_MS } from './time.js';

/**
 * node-cron expressions (six fields, with seconds) for Lifeboat's schedules. Interval jobs run in
 * UTC: node-cron matches wall-clock time, and a sub-hourly schedule in a zone with DST pauses during
 * the repeated autumn hour. Daily jobs run at a local time in the plan's time zone.
 */

/** Every `ms` (which divides a minute, an hour or a day, as the plan schema checks). */
export function intervalCron(ms: number): string {
  if (ms >= 1_000 && ms < MINUTE_MS && MINUTE_MS % ms === 0 && ms % 1_000 === 0) {
    return ms === 1_000 ? '* * * * * *' : `*/${ms / 1_000} * * * * *`;
  }
  if (ms >= MINUTE_MS && ms < HOUR_MS && HOUR_MS % ms === 0 && ms % MINUTE_MS === 0) {
    return ms === MINUTE_MS ? '0 * * * * *' : `0 */${ms / MINUTE_MS} * * * *`;
  }
  if (ms >= HOUR_MS && ms <= DAY_MS && DAY_MS % ms === 0 && ms % HOUR_MS === 0) {
    return ms === HOUR_MS ? '0 0 * * * *' : `0 0 */${ms / HOUR_MS} * * *`;
  }
  throw new RangeError(`an interval of ${ms} ms does not divide a minute, an hour or a day`);
}

/** Once a day at local `HH:MM`. */
export function dailyCron(time: string): string {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`expected a local time such as "09:00", got "${time}"`);
  return `0 ${Number(match[2])} ${Number(match[1])} * * *`;
}
