import type { Logger } from '../logger.js';
import type { AlarmRaised } from './raised.js';

/** What an automatic request asks of the failover feature (`FailoverSlack.requestFromAlarm`). */
export type RequestFromAlarm = (input: {
  readonly service: string;
  readonly alarmName: string;
  readonly reason: string;
  /** The incident that raised it: the request goes stale when that incident resolves. */
  readonly incidentId: string;
}) => Promise<{ readonly kind: string }>;

const MAX_REASON = 500;

/**
 * The `onAlarmRaised` hook for `autoRequestFailover: true` rules: every time such an alarm enters ALARM
 * (opening its service's incident or joining the open one), Lifeboat requests an unplanned failover of
 * the service in the incident's thread. The requester is `lifeboat`, so two distinct people approve. A
 * request already open for the service is kept (the failover feature answers `busy`); nothing is doubled.
 */
export function autoRequestFailover(deps: {
  readonly request: RequestFromAlarm;
  readonly logger: Logger;
  /** Keeps the request's work in the process's in-flight set (graceful shutdown waits for it). */
  readonly track: (work: Promise<unknown>) => void;
}): (raised: AlarmRaised) => void {
  const log = deps.logger.child({ component: 'auto-request' });
  return (raised) => {
    const { route } = raised;
    if (route.kind !== 'service' || !route.autoRequestFailover) return;
    const reason = `${raised.alarm} entered ALARM: ${raised.reason}`;
    const work = deps
      .request({
        service: route.service,
        alarmName: raised.alarm,
        incidentId: raised.incident.id,
        reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason,
      })
      .then(
        (outcome) =>
          log.info(
            { service: route.service, alarm: raised.alarm, outcome: outcome.kind },
            'failover requested by an alarm',
          ),
        (error: unknown) =>
          log.error(
            { err: error, service: route.service, alarm: raised.alarm },
            'automatic failover request failed',
          ),
      );
    deps.track(work);
  };
}
