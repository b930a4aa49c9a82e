import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AuditLog, JsonObject } from '../audit/types.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { Probe, Resource, Service } from '../plan/schema.js';
import type { StateStore } from '../scheduler/types.js';
import { probeHealthCheck, probeHttp } from './checks.js';
import { nextProbeState } from './streak.js';
import type { HttpGet, ProbeIncidentRef, ProbeIncidents, ProbeOutcome, ProbeState } from './types.js';

export interface ProbeDeps {
  readonly getPlan: () => Plan;
  readonly http: HttpGet;
  /** CloudWatch in us-east-1, where Route 53 publishes HealthCheckStatus (ROUTE53_METRICS_REGION). */
  /** CloudWatch of us-east-1 for the probed service's resource (through its role when the plan names one). */
  readonly cloudwatch: (service?: Service, resource?: Resource) => CloudWatchClient;
  readonly state: StateStore<ProbeState>;
  readonly incidents: ProbeIncidents;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly logger: Logger;
  readonly now: () => number;
}

export const probeStateId = (service: string, probeId: string) => `${service}#${probeId}`;

/** The URL or the Route 53 health check a probe looks at, or undefined if the plan no longer has it. */
export function probeTarget(plan: Plan, service: string, probe: Probe): string | undefined {
  if (probe.url !== undefined) return probe.url;
  const resource = plan.services[service]?.resources.find((r) => r.id === probe.route53);
  return resource?.kind === 'route53' ? `Route 53 health check ${resource.primaryHealthCheckId}` : undefined;
}

async function observe(
  deps: ProbeDeps,
  service: string,
  probe: Probe,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  if (probe.url !== undefined)
    return probeHttp(deps.http, probe.url, probe.expectStatus, probe.timeout, signal);
  const svc = deps.getPlan().services[service];
  const resource = svc?.resources.find((r) => r.id === probe.route53);
  if (resource?.kind !== 'route53')
    return { ok: false, inconclusive: true, detail: 'no such route53 resource' };
  return probeHealthCheck(
    deps.cloudwatch(svc, resource),
    resource.primaryHealthCheckId,
    probe.timeout,
    deps.now(),
  );
}

/**
 * One probe run: observe, update the failure streak (durable, so any replica continues it), and on
 * the N-th consecutive failure open one incident through the alarm module, as an alarm would; the
 * first success afterwards resolves it. The incident call comes before the state write: if the state
 * write is lost, the retry carries the same dedupe key.
 */
export async function runProbe(
  deps: ProbeDeps,
  service: string,
  probe: Probe,
  signal: AbortSignal = new AbortController().signal,
): Promise<JsonObject> {
  const plan = deps.getPlan();
  const target = probeTarget(plan, service, probe);
  if (target === undefined) return { skipped: 'probe target not in plan' };
  const outcome = await observe(deps, service, probe, signal);
  const now = deps.now();
  const id = probeStateId(service, probe.id);
  const previous = await deps.state.get(id);
  const { next, action } = nextProbeState(previous, outcome, probe.failures, now);
  const ref: ProbeIncidentRef = {
    service,
    probeId: probe.id,
    target,
    dedupeKey: `probe:${service}:${probe.id}:${next.firstFailedAtMs ?? previous?.firstFailedAtMs ?? now}`,
  };
  let stored = next;
  if (action === 'open') {
    const opened = await deps.incidents.openProbeIncident({
      ...ref,
      failures: next.failures,
      detail: outcome.detail,
      firstFailedAtMs: next.firstFailedAtMs ?? now,
      atMs: now,
    });
    if (opened?.incidentId) stored = { ...next, incidentId: opened.incidentId };
    await deps.audit.append({
      type: 'probe.failed',
      actor: 'lifeboat',
      service,
      details: { probe: probe.id, target, failures: next.failures, detail: outcome.detail },
    });
    deps.logger.warn({ service, probe: probe.id, detail: outcome.detail }, 'probe failing: incident opened');
  } else if (action === 'resolve') {
    await deps.incidents.resolveProbeIncident({
      ...ref,
      ...(previous?.incidentId ? { incidentId: previous.incidentId } : {}),
      detail: outcome.detail,
      atMs: now,
    });
    await deps.audit.append({
      type: 'probe.recovered',
      actor: 'lifeboat',
      service,
      details: { probe: probe.id, target, detail: outcome.detail },
    });
    deps.logger.info({ service, probe: probe.id }, 'probe recovered: incident resolved');
  }
  if (!(await deps.state.put(id, previous?.version ?? 0, stored)))
    deps.logger.warn({ service, probe: probe.id }, 'probe state changed under us');
  return { ok: outcome.ok, failures: stored.failures, action };
}
