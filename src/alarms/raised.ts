import type { IncidentRecord } from '../domain/records.js';
import type { Transition } from './incident-state.js';
import type { Receipt } from './receipts.js';
import type { Route } from './routing.js';

/** An alarm that entered ALARM (opening its service's incident or joining the open one). */
export interface AlarmRaised {
  readonly incident: IncidentRecord;
  readonly alarm: string;
  readonly reason: string;
  /** The alarm's route: its service and whether its plan rule has `autoRequestFailover`. */
  readonly route: Route;
}

/** The alarms a written batch moved into ALARM, with the route of the notice that did it. */
export function raisedIn(
  incident: IncidentRecord,
  transitions: readonly Transition[],
  consumed: readonly Receipt[],
): AlarmRaised[] {
  const out: AlarmRaised[] = [];
  for (const t of transitions) {
    if (t.to !== 'ALARM') continue;
    const receipt = consumed.find(
      (r) => r.event.name === t.alarm && r.event.state === 'ALARM' && r.event.changedAtMs === t.atMs,
    );
    if (receipt) out.push({ incident, alarm: t.alarm, reason: t.reason, route: receipt.route });
  }
  return out;
}

/** Tells the hook about each raised alarm; a hook that throws does not disturb the pipeline. */
export function tellRaised(
  hook: ((raised: AlarmRaised) => void) | undefined,
  raised: readonly AlarmRaised[],
  onError: (error: unknown, raised: AlarmRaised) => void,
): void {
  if (!hook) return;
  for (const r of raised) {
    try {
      hook(r);
    } catch (error) {
      onError(error, r);
    }
  }
}
