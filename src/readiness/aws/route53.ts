import {
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { AwsClients } from '../../adapters/aws/clients.js';
import type { ResourceOf } from '../../plan/schema.js';
import { text } from '../format.js';
import type { Check, CheckContext, Checker } from '../types.js';
import { awsCall, type CheckBase, guard } from './call.js';

type Dns = ResourceOf<'route53'>;

/**
 * Route 53 failover routing: the health checks exist and report healthy (GetHealthCheckStatus: a majority of
 * checkers report "Success"), and the record has PRIMARY and SECONDARY failover record sets, the primary tied
 * to a health check (or an alias evaluating target health) so failover happens on the data plane.
 */
export function createRoute53Checker(clients: AwsClients): Checker<'route53'> {
  return {
    async check(resource, service, ctx) {
      const route53 = clients.forRegion(service.primaryRegion).route53;
      const healthChecks: Promise<Check[]>[] = [
        guard(base(resource, 'primary health check'), `health check ${resource.primaryHealthCheckId}`, () =>
          health(resource, route53, ctx, resource.primaryHealthCheckId, 'primary'),
        ),
      ];
      const recoveryId = resource.recoveryHealthCheckId;
      if (recoveryId) {
        healthChecks.push(
          guard(base(resource, 'recovery health check'), `health check ${recoveryId}`, () =>
            health(resource, route53, ctx, recoveryId, 'recovery'),
          ),
        );
      }
      const sections = await Promise.all([
        ...healthChecks,
        guard(base(resource, 'failover records'), `hosted zone ${resource.hostedZoneId}`, () =>
          records(resource, route53, ctx),
        ),
      ]);
      return sections.flat();
    },
  };
}

function base(resource: Dns, name: string): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name };
}

async function health(
  resource: Dns,
  route53: Route53Client,
  ctx: CheckContext,
  healthCheckId: string,
  side: 'primary' | 'recovery',
): Promise<Check> {
  const b = base(resource, `${side} health check`);
  const out = await awsCall(ctx, 'route53:GetHealthCheckStatus', (abortSignal) =>
    route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }), { abortSignal }),
  );
  const observations = out.HealthCheckObservations ?? [];
  const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
  const measured = text(`${healthy} of ${observations.length} checkers healthy`);
  const target = text('healthy');
  if (observations.length === 0) {
    return {
      ...b,
      verdict: 'unknown',
      measured: text('no observations'),
      target,
      reason: `${resource.id}: health check ${healthCheckId} has no observations yet`,
    };
  }
  if (healthy * 2 > observations.length) {
    return {
      ...b,
      verdict: 'ready',
      measured,
      target,
      reason: `${resource.id}: ${side} health check ${healthCheckId} healthy (${healthy}/${observations.length})`,
    };
  }
  // The recovery endpoint failing means failover would route to something broken; the primary failing means
  // we are probably in an incident already, which is worth showing but does not block a failover.
  return {
    ...b,
    verdict: side === 'recovery' ? 'not_ready' : 'degraded',
    measured,
    target,
    reason: `${resource.id}: ${side} health check ${healthCheckId} unhealthy (${healthy}/${observations.length} checkers report success)`,
  };
}

const normalise = (name: string) => name.toLowerCase().replace(/\.$/, '');

async function records(resource: Dns, route53: Route53Client, ctx: CheckContext): Promise<Check> {
  const b = base(resource, 'failover records');
  const out = await awsCall(ctx, 'route53:ListResourceRecordSets', (abortSignal) =>
    route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: resource.hostedZoneId,
        StartRecordName: resource.recordName,
        StartRecordType: resource.recordType,
        MaxItems: 20,
      }),
      { abortSignal },
    ),
  );
  const sets = (out.ResourceRecordSets ?? []).filter(
    (r) =>
      r.Name !== undefined &&
      normalise(r.Name) === normalise(resource.recordName) &&
      r.Type === resource.recordType,
  );
  const primary = sets.find((r) => r.Failover === 'PRIMARY');
  const secondary = sets.find((r) => r.Failover === 'SECONDARY');
  const name = `${resource.recordName} ${resource.recordType}`;
  const target = text('PRIMARY + SECONDARY');
  if (!primary || !secondary) {
    const missing = [primary ? undefined : 'PRIMARY', secondary ? undefined : 'SECONDARY']
      .filter(Boolean)
      .join(' and ');
    return {
      ...b,
      verdict: 'not_ready',
      measured: text(`${missing} missing`),
      target,
      reason: `${resource.id}: ${name} has no ${missing} failover record`,
    };
  }
  if (!evaluatesHealth(primary)) {
    return {
      ...b,
      verdict: 'degraded',
      measured: text('PRIMARY without health check'),
      target,
      reason: `${resource.id}: the PRIMARY record of ${name} has no health check, so Route 53 will not fail over on its own`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text('PRIMARY + SECONDARY'),
    target,
    reason: `${resource.id}: ${name} has PRIMARY and SECONDARY failover records`,
  };
}

function evaluatesHealth(record: ResourceRecordSet): boolean {
  return record.HealthCheckId !== undefined || record.AliasTarget?.EvaluateTargetHealth === true;
}
