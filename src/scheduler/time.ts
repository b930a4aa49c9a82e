/**
 * Wall-clock arithmetic in an IANA time zone, with nothing but Intl: which local day an instant
 * falls on, and which instant a local time of day is. node-cron computes its own slots; these give
 * the same instants so that a missed daily slot can be found and run once after downtime.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of the zone from UTC at an instant, ms (positive east of Greenwich). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1_000) * 1_000;
}

/** The local calendar day of an instant, `YYYY-MM-DD`. */
export function localDay(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` shifted by whole calendar days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The instant at which the local clock in `timeZone` shows `time` (`HH:MM`) on `day`. A time that
 * does not exist that day (skipped by a DST jump) maps to the instant the clocks jumped past it.
 */
export function zonedInstant(day: string, time: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Two rounds settle the offset for every instant except one inside a DST gap.
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** The latest instant at or before `now` at which the local clock showed `time` (a daily slot). */
export function previousDailySlot(now: number, time: string, timeZone: string): number {
  const today = localDay(now, timeZone);
  const slot = zonedInstant(today, time, timeZone);
  return slot <= now ? slot : zonedInstant(addDays(today, -1), time, timeZone);
}
