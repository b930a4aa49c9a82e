import type { Step } from '../../../src/plan/schema.js';
import { arn, normalizeRecordName } from '../arns.js';
import type { PolicyStatementSpec } from '../policy-spec.js';
import { type ResourceContext, sid } from './context.js';

type Route53Step = Extract<Step, { kind: 'route53' }>;

/** Route 53: health-check status, failing a health check (data plane failover), or one record's UPSERT. */
export function route53Statements(ctx: ResourceContext<'route53'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const zone = arn.route53(s, 'hostedzone', r.hostedZoneId);
  const checks = [r.primaryHealthCheckId, r.recoveryHealthCheckId]
    .filter((id): id is string => id !== undefined)
    .map((id) => arn.route53(s, 'healthcheck', id));
  const steps = [...ctx.failoverSteps, ...ctx.failbackSteps].filter(
    (step): step is Route53Step => step.kind === 'route53',
  );
  const out: PolicyStatementSpec[] = [
    {
      sid: sid(ctx, 'Route53ReadHealth'),
      actions: ['route53:GetHealthCheck', 'route53:GetHealthCheckStatus'],
      resources: checks,
    },
    { sid: sid(ctx, 'Route53ReadRecords'), actions: ['route53:ListResourceRecordSets'], resources: [zone] },
  ];
  if (steps.some((step) => step.action === 'fail-health-check')) {
    out.push({
      sid: sid(ctx, 'Route53FailHealthCheck'),
      actions: ['route53:UpdateHealthCheck'],
      resources: checks,
    });
  }
  if (steps.some((step) => step.action === 'update-record')) {
    out.push({
      sid: sid(ctx, 'Route53UpdateRecord'),
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [zone],
      conditions: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [normalizeRecordName(r.recordName)],
          'route53:ChangeResourceRecordSetsRecordTypes': [r.recordType],
          'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
        },
      },
    });
  }
  return out;
}
