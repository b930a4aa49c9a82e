import type { AuditEventInput } from '../audit/types.js';
import { alarmCounts } from '../domain/incident-summary.js';
import type { IncidentRecord } from '../domain/records.js';

/**
 * The audit entries of an incident's life (docs/audit.md): opened and resolved by Lifeboat, after the
 * record is written. Unrouted incidents carry no `service` (their key is not a service of the plan).
 */
const where = (incident: IncidentRecord) => ({
  ...(incident.unrouted ? {} : { service: incident.service }),
  channel: incident.channel,
});

export function incidentOpenedEvent(incident: IncidentRecord, alarm: string): AuditEventInput {
  return {
    type: 'incident.opened',
    actor: 'lifeboat',
    ...where(incident),
    details: {
      incidentId: incident.id,
      alarm,
      detectedBy: incident.detectedBy ?? 'alarm',
      openedAt: new Date(incident.openedAtMs).toISOString(),
      ...(incident.unrouted ? { unrouted: true } : {}),
    },
  };
}

export function incidentResolvedEvent(incident: IncidentRecord, nowMs: number): AuditEventInput {
  const resolvedAtMs = incident.resolvedAtMs ?? nowMs;
  return {
    type: 'incident.resolved',
    actor: 'lifeboat',
    ...where(incident),
    details: {
      incidentId: incident.id,
      resolvedAt: new Date(resolvedAtMs).toISOString(),
      durationMs: Math.max(0, resolvedAtMs - incident.openedAtMs),
      alarms: alarmCounts(incident).total,
      notifications: incident.notifications ?? 0,
    },
  };
}

export function incidentAcknowledgedEvent(incident: IncidentRecord, userId: string): AuditEventInput {
  return {
    type: 'incident.acknowledged',
    actor: userId,
    ...where(incident),
    details: { incidentId: incident.id },
  };
}
