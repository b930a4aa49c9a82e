import {
  alarmCounts,
  alarmKey,
  decodeSummarised,
  encodeSummarised,
  MAX_LISTED_ALARMS,
  MAX_SUMMARISED_ALARMS,
} from '../domain/incident-summary.js';
import type { AlarmState, IncidentAlarmDetail, IncidentRecord } from '../domain/records.js';
import type { AlarmEvent } from './cloudwatch.js';

/**
 * The incident state machine, pure: notices (recorded notifications) in, the next record and what
 * to tell the thread out. Per alarm, a notice older than the state already recorded only counts;
 * the same state again only counts (a repeated ALARM does not post); a different state is a
 * transition and gets a thread line. Only alarms that reached ALARM during the incident are
 * tracked; the incident resolves when every tracked alarm is OK (INSUFFICIENT_DATA keeps it open).
 * The record is bounded (src/domain/incident-summary.ts): alarms past the listed ones are summarised.
 */

export interface Notice {
  readonly id: string;
  readonly event: AlarmEvent;
}

export interface Transition {
  readonly alarm: string;
  readonly from: AlarmState | undefined;
  readonly to: AlarmState;
  readonly atMs: number;
  readonly reason: string;
}

export interface Applied {
  readonly next: IncidentRecord;
  /** How many notices were consumed; the rest belong to the next incident (this one resolved). */
  readonly consumed: number;
  readonly transitions: readonly Transition[];
  readonly resolved: boolean;
}

/** Ids remembered on the record so re-applying after a crash is a no-op. */
export const RECENT_IDS = 300;

const detail = (event: AlarmEvent, previous?: IncidentAlarmDetail): IncidentAlarmDetail => ({
  kind: event.kind,
  reason: event.reason.slice(0, 500),
  // Why it fired stays what the first ALARM said; later changes only update `reason`.
  ...(previous?.firedReason !== undefined
    ? { firedReason: previous.firedReason }
    : event.state === 'ALARM'
      ? { firedReason: event.reason.slice(0, 500) }
      : {}),
  watching: event.watching.slice(0, 300),
  ...(event.region ? { region: event.region } : {}),
  ...(event.arn ? { arn: event.arn } : {}),
});

/** A new open incident from its first ALARM notice. */
export function openIncident(args: {
  readonly id: string;
  readonly service: string;
  readonly channel: string;
  readonly unrouted: boolean;
  readonly first: Notice;
}): IncidentRecord {
  const { event } = args.first;
  return {
    id: args.id,
    service: args.service,
    state: 'open',
    openedAtMs: event.changedAtMs,
    channel: args.channel,
    alarms: {
      [event.name]: {
        state: event.state,
        changedAtMs: event.changedAtMs,
        count: 1,
        ...(event.state === 'ALARM' ? { firedAtMs: event.changedAtMs } : {}),
      },
    },
    detectedBy: event.kind === 'probe' ? 'probe' : 'alarm',
    ...(args.unrouted ? { unrouted: true } : {}),
    notifications: 1,
    alarmDetails: { [event.name]: detail(event) },
    recentMessageIds: [args.first.id],
  };
}

const allOk = (alarms: IncidentRecord['alarms'], summarised: Readonly<Record<string, string>>) => {
  const listed = Object.values(alarms);
  if (listed.length === 0 || !listed.every((a) => a.state === 'OK')) return false;
  for (const code of Object.values(summarised)) if (code[0] !== 'O') return false;
  return true;
};

/** Applies notices (in arrival order) to an open incident. */
export function applyNotices(incident: IncidentRecord, notices: readonly Notice[]): Applied {
  const seen = new Set(incident.recentMessageIds ?? []);
  const alarms = { ...incident.alarms };
  const details = { ...(incident.alarmDetails ?? {}) };
  const summarised: Record<string, string> = { ...(incident.overflow?.states ?? {}) };
  let untracked = incident.overflow?.untracked ?? 0;
  let latest = incident.latestAlarm;
  const ids = [...(incident.recentMessageIds ?? [])];
  const transitions: Transition[] = [];
  let notifications = incident.notifications ?? 0;
  let consumed = 0;
  let resolvedAtMs: number | undefined;
  let listedCount = Object.keys(alarms).length;
  let summarisedCount = Object.keys(summarised).length;

  const transition = (event: AlarmEvent, from: AlarmState | undefined) => {
    transitions.push({
      alarm: event.name,
      from,
      to: event.state,
      atMs: event.changedAtMs,
      reason: event.reason,
    });
    latest = { name: event.name.slice(0, 255), state: event.state, atMs: event.changedAtMs };
  };

  for (const notice of notices) {
    consumed++;
    if (seen.has(notice.id)) continue;
    seen.add(notice.id);
    ids.push(notice.id);
    notifications++;
    const { event } = notice;
    const current = alarms[event.name];
    if (!current) {
      const key = alarmKey(event.name);
      const code = summarised[key];
      if (code !== undefined) {
        // A summarised alarm: same rules, its state kept in the summary.
        const known = decodeSummarised(code);
        if (event.changedAtMs < known.changedAtMs || event.state === known.state) continue;
        summarised[key] = encodeSummarised(event.state, event.changedAtMs);
        transition(event, known.state);
        if (event.state === 'OK' && allOk(alarms, summarised)) {
          resolvedAtMs = event.changedAtMs;
          break;
        }
        continue;
      }
      // Only alarms that reach ALARM join the incident; an OK from an unrelated alarm just counts.
      if (event.state !== 'ALARM') continue;
      if (listedCount < MAX_LISTED_ALARMS) {
        alarms[event.name] = {
          state: 'ALARM',
          changedAtMs: event.changedAtMs,
          count: 1,
          firedAtMs: event.changedAtMs,
        };
        details[event.name] = detail(event);
        listedCount++;
      } else if (summarisedCount < MAX_SUMMARISED_ALARMS) {
        summarised[key] = encodeSummarised('ALARM', event.changedAtMs);
        summarisedCount++;
      } else {
        // Past the summary's bound: counted, not tracked (no thread line, no effect on resolution).
        untracked++;
        continue;
      }
      transition(event, undefined);
      continue;
    }
    const count = current.count + 1;
    if (event.changedAtMs < current.changedAtMs || event.state === current.state) {
      alarms[event.name] = { ...current, count };
      continue;
    }
    const firedAtMs = current.firedAtMs ?? (event.state === 'ALARM' ? event.changedAtMs : undefined);
    alarms[event.name] = {
      state: event.state,
      changedAtMs: event.changedAtMs,
      count,
      ...(firedAtMs !== undefined ? { firedAtMs } : {}),
    };
    details[event.name] = detail(event, details[event.name]);
    transition(event, current.state);
    if (event.state === 'OK' && allOk(alarms, summarised)) {
      resolvedAtMs = event.changedAtMs;
      break;
    }
  }

  const next: IncidentRecord = {
    ...incident,
    alarms,
    alarmDetails: details,
    notifications,
    recentMessageIds: ids.slice(-RECENT_IDS),
    ...(summarisedCount > 0 || untracked > 0 ? { overflow: { states: summarised, untracked } } : {}),
    ...(latest ? { latestAlarm: latest } : {}),
    ...(resolvedAtMs !== undefined ? { state: 'resolved' as const, resolvedAtMs } : {}),
  };
  return { next, consumed, transitions, resolved: resolvedAtMs !== undefined };
}

/** Records who acknowledged; undefined if someone already did. */
export function acknowledge(
  incident: IncidentRecord,
  userId: string,
  atMs: number,
): IncidentRecord | undefined {
  if (incident.acknowledgedBy) return undefined;
  return { ...incident, acknowledgedBy: userId, acknowledgedAtMs: atMs };
}

/** Which alarms are in which state, listed and summarised, for counters on the card. */
export function tally(incident: IncidentRecord): Record<AlarmState, number> {
  return alarmCounts(incident).byState;
}
