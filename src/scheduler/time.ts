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

/** Whether the local clock in `timeZone` shows `wall` (a local date-time written as if UTC) at `epochMs`. */
function showsWall(epochMs: number, wall: number, timeZone: string): boolean {
  const p = localParts(epochMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) === wall;
}

/**
 * The instant at which the local clock in `timeZone` shows `time` (`HH:MM`) on `day`.
 *
 * - A time that occurs once: that instant.
 * - A time that occurs twice (autumn, clocks go back): the same instant node-cron picks for the same
 *   local time (its first candidate that reads back), so a slot found here after downtime has the
 *   key node-cron's own fire used and is never run twice.
 * - A time that does not occur (spring, clocks go forward; node-cron does not fire that day): read
 *   with the UTC offset in force before the gap, RFC 5545 §3.3.5, so it lands as far past the jump
 *   as the gap is long: 02:30 is 03:30 in Berlin and in New York alike.
 */
export function zonedInstant(day: string, time: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The wall time read with the offset at the wall-as-UTC instant, then with the offset at that guess:
  // one of the two is right for every time that exists (node-cron's localTimeToTimestamp does the same).
  const first = wall - zoneOffsetMs(wall, timeZone);
  const second = wall - zoneOffsetMs(first, timeZone);
  if (showsWall(first, wall, timeZone)) return first;
  if (showsWall(second, wall, timeZone)) return second;
  // A gap: the two guesses straddle the jump, each read with the other side's offset. The earlier one
  // lies before the jump, so its offset is the one in force before the gap.
  return wall - zoneOffsetMs(Math.min(first, second), timeZone);
}

/** The latest instant at or before `now` at which the local clock showed `time` (a daily slot). */
export function previousDailySlot(now: number, time: string, timeZone: string): number {
  const today = localDay(now, timeZone);
  const slot = zonedInstant(today, time, timeZone);
  return slot <= now ? slot : zonedInstant(addDays(today, -1), time, timeZone);
}

/** The earliest instant after `now` at which the local clock shows `time` (a daily slot, mapped as in `zonedInstant`). */
export function nextDailySlot(now: number, time: string, timeZone: string): number {
  const today = localDay(now, timeZone);
  const slot = zonedInstant(today, time, timeZone);
  return slot > now ? slot : zonedInstant(addDays(today, 1), time, timeZone);
}
