import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { routedHealth } from '../../adapters/aws/route53-health.js';
import { recordAnswer, sameRecordName } from '../../adapters/aws/route53-names.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { entrySteps, runbookEntries } from '../../runbook/stages.js';
import { dnsFromHealth, dnsFromRecords, type Observed } from '../../state/observed.js';
import { text } from '../format.js';
import type { Check, CheckContext, Checker, NamedService } from '../types.js';
import { awsCall, type CheckBase, guard } from './call.js';

type Dns = ResourceOf<'route53'>;

/**
 * Route 53 failover routing: Route 53 reports the health checks healthy (their HealthCheckStatus metric in
 * us-east-1, see routedHealth), and the record has PRIMARY and SECONDARY failover record sets, the primary tied
 * to a health check (or an alias evaluating target health) so failover happens on the data plane.
 */
export function createRoute53Checker(clients: AwsClients): Checker<'route53'> {
  return {
    async check(resource, service, ctx) {
      const route53 = clients.forRegion(service.primaryRegion).route53;
      const byRecord = movesByRecord(service, resource.id);
      // Global, as Route 53 itself: its metrics keep their retries even when us-east-1 is the Region being left.
      const cloudwatch = clients.route53Metrics();
      const healthChecks: Promise<Check[]>[] = [
        guard(base(resource, 'primary health check'), `health check ${resource.primaryHealthCheckId}`, () =>
          health(resource, cloudwatch, route53, ctx, resource.primaryHealthCheckId, 'primary', !byRecord),
        ),
      ];
      const recoveryId = resource.recoveryHealthCheckId;
      if (recoveryId) {
        healthChecks.push(
          guard(base(resource, 'recovery health check'), `health check ${recoveryId}`, () =>
            health(resource, cloudwatch, route53, ctx, recoveryId, 'recovery'),
          ),
        );
      }
      const sections = await Promise.all([
        ...healthChecks,
        guard(base(resource, 'failover records'), `hosted zone ${resource.hostedZoneId}`, () =>
          records(resource, route53, ctx, byRecord),
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
  cloudwatch: CloudWatchClient,
  route53: Route53Client,
  ctx: CheckContext,
  healthCheckId: string,
  side: 'primary' | 'recovery',
  observeDns = false,
): Promise<Check> {
  const status = await routedHealth(cloudwatch, healthCheckId, ctx.now, (action, fn) =>
    awsCall(ctx, action, fn),
  );
  const check = await judgeHealth(resource, route53, ctx, healthCheckId, side, status);
  const seen = observeDns ? dnsFromHealth(resource.id, healthCheckId, status.healthy) : undefined;
  return seen ? { ...check, observed: seen } : check;
}

async function judgeHealth(
  resource: Dns,
  route53: Route53Client,
  ctx: CheckContext,
  healthCheckId: string,
  side: 'primary' | 'recovery',
  status: Awaited<ReturnType<typeof routedHealth>>,
): Promise<Check> {
  const b = base(resource, `${side} health check`);
  const target = text('healthy');
  if (status.healthy === undefined) {
    return {
      ...b,
      verdict: 'unknown',
      measured: text('no data'),
      target,
      reason: `${resource.id}: ${status.text}`,
      source: 'metric',
    };
  }
  const measured = text(
    status.healthy === true ? 'healthy' : status.healthy === false ? 'unhealthy' : 'changing',
  );
  if (status.healthy === true) {
    return {
      ...b,
      verdict: 'ready',
      measured,
      target,
      reason: `${resource.id}: ${side} health check ${healthCheckId} healthy (Route 53's HealthCheckStatus)`,
      source: 'metric',
    };
  }
  // A RECOVERY_CONTROL health check is unhealthy exactly while its ARC routing control is Off, as the
  // standby's is in normal operation: the arc-routing-control resource's checks judge that, not this one.
  if (side === 'recovery') {
    const got = await awsCall(ctx, 'route53:GetHealthCheck', (abortSignal) =>
      route53.send(new (sdk.route53().GetHealthCheckCommand)({ HealthCheckId: healthCheckId }), {
        abortSignal,
      }),
    );
    const control = got.HealthCheck?.HealthCheckConfig?.RoutingControlArn;
    if (got.HealthCheck?.HealthCheckConfig?.Type === 'RECOVERY_CONTROL' && control)
      return {
        ...b,
        verdict: 'ready',
        measured: text('routing control Off'),
        target: text('follows its routing control'),
        reason: `${resource.id}: recovery health check ${healthCheckId} follows ARC routing control ${control.split('/').at(-1) ?? control} (Off in normal operation)`,
        source: 'api',
      };
  }
  // The recovery endpoint failing means failover would route to something broken; the primary failing means
  // we are probably in an incident already, which is worth showing but does not block a failover.
  return {
    ...b,
    verdict: side === 'recovery' ? 'not_ready' : 'degraded',
    measured,
    target,
    reason: `${resource.id}: ${status.text}`,
    source: 'metric',
  };
}

/**
 * Whether the service's failover runbook moves this resource's traffic by pointing the PRIMARY record at the
 * SECONDARY's values (update-record): then the records, not the health check, say which Region DNS answers.
 */
export function movesByRecord(service: NamedService, resourceId: string): boolean {
  return entrySteps(runbookEntries(service, 'failover')).some(
    (s) => s.kind === 'route53' && s.resource === resourceId && s.action === 'update-record',
  );
}

async function records(
  resource: Dns,
  route53: Route53Client,
  ctx: CheckContext,
  observeDns: boolean,
): Promise<Check> {
  const check = await judgeRecords(resource, route53, ctx);
  return check.records && observeDns
    ? withObserved(check.check, dnsFromRecords(resource.id, check.records.primary, check.records.secondary))
    : check.check;
}

const withObserved = (check: Check, seen: Observed | undefined): Check =>
  seen ? { ...check, observed: seen } : check;

async function judgeRecords(
  resource: Dns,
  route53: Route53Client,
  ctx: CheckContext,
): Promise<{ check: Check; records?: { primary: string; secondary: string } }> {
  const b = base(resource, 'failover records');
  const out = await awsCall(ctx, 'route53:ListResourceRecordSets', (abortSignal) =>
    route53.send(
      new (sdk.route53().ListResourceRecordSetsCommand)({
        HostedZoneId: resource.hostedZoneId,
        StartRecordName: resource.recordName,
        StartRecordType: resource.recordType,
        MaxItems: 20,
      }),
      { abortSignal },
    ),
  );
  const sets = (out.ResourceRecordSets ?? []).filter(
    (r) => sameRecordName(r.Name, resource.recordName) && r.Type === resource.recordType,
  );
  const primary = sets.find((r) => r.Failover === 'PRIMARY');
  const secondary = sets.find((r) => r.Failover === 'SECONDARY');
  const name = `${resource.recordName} ${resource.recordType}`;
  const target = text('PRIMARY + SECONDARY');
  const answers = { primary: recordAnswer(primary), secondary: recordAnswer(secondary) };
  if (!primary || !secondary) {
    const missing = [primary ? undefined : 'PRIMARY', secondary ? undefined : 'SECONDARY']
      .filter(Boolean)
      .join(' and ');
    return {
      check: {
        ...b,
        verdict: 'not_ready',
        measured: text(`${missing} missing`),
        target,
        reason: `${resource.id}: ${name} has no ${missing} failover record`,
      },
    };
  }
  if (!evaluatesHealth(primary)) {
    return {
      check: {
        ...b,
        verdict: 'degraded',
        measured: text('PRIMARY without health check'),
        target,
        reason: `${resource.id}: the PRIMARY record of ${name} has no health check, so Route 53 will not fail over on its own`,
      },
      records: answers,
    };
  }
  return {
    check: {
      ...b,
      verdict: 'ready',
      measured: text('PRIMARY + SECONDARY'),
      target,
      reason: `${resource.id}: ${name} has PRIMARY and SECONDARY failover records`,
    },
    records: answers,
  };
}

function evaluatesHealth(record: ResourceRecordSet): boolean {
  return record.HealthCheckId !== undefined || record.AliasTarget?.EvaluateTargetHealth === true;
}
