import type { RunbookEntry, Step } from '../plan/schema.js';
import type { Check, NamedService } from './types.js';

/**
 * Global services whose API (control plane), reads included, is served from one Region, and what keeps
 * working without it. Route 53: only DNS answers and health checking are data plane (Route 53 Developer
 * Guide, "Route 53 ... control plane is in us-east-1"); its metrics are in us-east-1 too.
 */
const ROUTE53_CONTROL_PLANE = 'us-east-1';
const ALTERNATIVE =
  'use an arc-routing-control step (ARC routing controls, set on the cluster’s Regional endpoints) or failover records whose health checks fail on their own (Route 53’s data plane)';

const flat = (entries: readonly RunbookEntry[]): Step[] =>
  entries.flatMap((e) => ('parallel' in e ? e.parallel : [e]));

/** What a step needs from Route 53's control plane, or undefined when nothing. */
function route53Need(step: Step): string | undefined {
  if (step.kind === 'route53')
    return step.action === 'update-record'
      ? 'ListResourceRecordSets, ChangeResourceRecordSets and GetChange'
      : 'GetHealthCheck and UpdateHealthCheck, and the HealthCheckStatus metric';
  if (step.kind === 'verify' && step.healthCheckId !== undefined)
    return `the HealthCheckStatus metric of ${step.healthCheckId}`;
  return undefined;
}

/**
 * One warning per step that depends on a control plane living in the Region the runbook leaves (failover:
 * the primary Region; failback: the recovery Region): in that Region's outage the step cannot run. The
 * warning is `degraded`, as failover can still be done by hand, and names the data-plane alternative.
 */
export function controlPlaneChecks(service: NamedService): Check[] {
  const runbooks = [
    { kind: 'failover', from: service.primaryRegion, steps: flat(service.runbook.failover) },
    {
      kind: 'failback',
      from: service.recoveryRegion,
      steps: flat(service.runbook.failback ?? service.runbook.failover),
    },
  ] as const;
  const out: Check[] = [];
  const seen = new Set<string>();
  for (const { kind, from, steps } of runbooks) {
    if (from !== ROUTE53_CONTROL_PLANE) continue;
    for (const step of steps) {
      const need = route53Need(step);
      if (!need || seen.has(step.id)) continue;
      seen.add(step.id);
      out.push({
        resourceId: 'resource' in step ? step.resource : step.id,
        kind: 'route53',
        name: 'control plane dependency',
        verdict: 'degraded',
        measured: { text: `needs Route 53 control plane (${ROUTE53_CONTROL_PLANE})` },
        target: { text: 'data plane only' },
        reason: `step ${step.id} (${kind}) needs ${need} from Route 53's control plane in ${ROUTE53_CONTROL_PLANE}, the Region this ${kind} leaves: in its outage the step cannot run; ${ALTERNATIVE}`,
      });
    }
  }
  return out;
}
