import { createHash } from 'node:crypto';
import type { AlarmState, IncidentRecord } from './records.js';

/**
 * The incident record is bounded (issue 21): the first MAX_LISTED_ALARMS alarms to reach ALARM are
 * listed by name with their details; the next MAX_SUMMARISED_ALARMS are kept as a short hash of
 * their name with their state and change time (about 20 bytes each), enough to know when every
 * one is OK again; any further alarms are counted only. About 100 + 5,000 alarms then take well
 * under 250 KB of the 400 KB DynamoDB allows per item.
 */
export const MAX_LISTED_ALARMS = 100;
export const MAX_SUMMARISED_ALARMS = 5_000;

const LETTER: Record<AlarmState, string> = { ALARM: 'A', OK: 'O', INSUFFICIENT_DATA: 'I' };
const STATE: Record<string, AlarmState> = { A: 'ALARM', O: 'OK', I: 'INSUFFICIENT_DATA' };

/** The key of a summarised alarm: 12 base64url characters of the SHA-256 of its name. */
export const alarmKey = (name: string) => createHash('sha256').update(name).digest('base64url').slice(0, 12);

export const encodeSummarised = (state: AlarmState, changedAtMs: number) =>
  `${LETTER[state]}${Math.floor(changedAtMs / 1000).toString(36)}`;

export function decodeSummarised(code: string): { state: AlarmState; changedAtMs: number } {
  return { state: STATE[code[0] ?? 'A'] ?? 'ALARM', changedAtMs: Number.parseInt(code.slice(1), 36) * 1000 };
}

/** Alarms per state, listed and summarised; `untracked` notifications are counted apart (no state is known). */
export function alarmCounts(incident: IncidentRecord): {
  readonly byState: Record<AlarmState, number>;
  readonly listed: number;
  readonly summarised: number;
  readonly untracked: number;
  readonly total: number;
} {
  const byState: Record<AlarmState, number> = { ALARM: 0, OK: 0, INSUFFICIENT_DATA: 0 };
  for (const a of Object.values(incident.alarms)) byState[a.state]++;
  const summarisedCodes = Object.values(incident.overflow?.states ?? {});
  for (const code of summarisedCodes) byState[decodeSummarised(code).state]++;
  const listed = Object.keys(incident.alarms).length;
  const untracked = incident.overflow?.untracked ?? 0;
  return {
    byState,
    listed,
    summarised: summarisedCodes.length,
    untracked,
    total: listed + summarisedCodes.length,
  };
}
