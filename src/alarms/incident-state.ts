import type { AlarmState, IncidentRecord } from '../domain/records.js';
import type { AlarmEvent } from './cloudwatch.js';

/**
 * The incident state machine, pure: notices (recorded notifications) in, the next record and what
 * to tell the thread out. Per alarm, a notice older than the state already recorded only counts;
 * the same state again only counts (a repeated ALARM does not post); a different state is a
 * transition and gets a thread line. Only alarms that reached ALARM during the incident are
 * tracked; the incident resolves when every tracked alarm is OK (INSUFFICIENT_DATA keeps it open).
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

const detail = (event: AlarmEvent) => ({
  kind: event.kind,
  reason: event.reason.slice(0, 1_000),
  watching: event.watching.slice(0, 500),
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
    alarms: { [event.name]: { state: event.state, changedAtMs: event.changedAtMs, count: 1 } },
    detectedBy: event.kind === 'probe' ? 'probe' : 'alarm',
    ...(args.unrouted ? { unrouted: true } : {}),
    notifications: 1,
    alarmDetails: { [event.name]: detail(event) },
    recentMessageIds: [args.first.id],
  };
}

const allOk = (alarms: IncidentRecord['alarms']) =>
  Object.values(alarms).length > 0 && Object.values(alarms).every((a) => a.state === 'OK');

/** Applies notices (in arrival order) to an open incident. */
export function applyNotices(incident: IncidentRecord, notices: readonly Notice[]): Applied {
  const seen = new Set(incident.recentMessageIds ?? []);
  const alarms = { ...incident.alarms };
  const details = { ...(incident.alarmDetails ?? {}) };
  const ids = [...(incident.recentMessageIds ?? [])];
  const transitions: Transition[] = [];
  let notifications = incident.notifications ?? 0;
  let consumed = 0;
  let resolvedAtMs: number | undefined;

  for (const notice of notices) {
    consumed++;
    if (seen.has(notice.id)) continue;
    seen.add(notice.id);
    ids.push(notice.id);
    notifications++;
    const { event } = notice;
    const current = alarms[event.name];
    if (!current) {
      // Only alarms that reach ALARM join the incident; an OK from an unrelated alarm just counts.
      if (event.state !== 'ALARM') continue;
      alarms[event.name] = { state: 'ALARM', changedAtMs: event.changedAtMs, count: 1 };
      details[event.name] = detail(event);
      transitions.push({
        alarm: event.name,
        from: undefined,
        to: 'ALARM',
        atMs: event.changedAtMs,
        reason: event.reason,
      });
      continue;
    }
    const count = current.count + 1;
    if (event.changedAtMs < current.changedAtMs || event.state === current.state) {
      alarms[event.name] = { ...current, count };
      continue;
    }
    alarms[event.name] = { state: event.state, changedAtMs: event.changedAtMs, count };
    details[event.name] = detail(event);
    transitions.push({
      alarm: event.name,
      from: current.state,
      to: event.state,
      atMs: event.changedAtMs,
      reason: event.reason,
    });
    if (allOk(alarms)) {
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

/** Which alarms are in which state, for counters on the card. */
export function tally(incident: IncidentRecord): Record<AlarmState, number> {
  const out: Record<AlarmState, number> = { ALARM: 0, OK: 0, INSUFFICIENT_DATA: 0 };
  for (const a of Object.values(incident.alarms)) out[a.state]++;
  return out;
}
