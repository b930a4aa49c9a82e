import type { PolicyStatementSpec } from '../policy-spec.js';
import { type ResourceContext, sid } from './context.js';

/** Auto Scaling and EC2 reads that AWS authorises only on Resource "*" (granted once per plan with a group). */
export const AUTOSCALING_DESCRIBE_ACTIONS = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeScalingActivities',
] as const;

/**
 * EC2 Auto Scaling group: readiness reads the recovery Region's vCPU quota; a step sets the desired capacity
 * (and MaxSize) of the group in the Region it scales: the recovery Region's on failover, the primary's on
 * failback. UpdateAutoScalingGroup is authorised on the group ARN, whose middle part is a generated id
 * (`autoScalingGroup:<uuid>:autoScalingGroupName/<name>`, Service Authorization Reference, Amazon EC2 Auto
 * Scaling), so the id is a wildcard and the name exact. The Describe calls have no resource-level permissions.
 */
export function autoscalingStatements(ctx: ResourceContext<'autoscaling-group'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const group = (region: string, name: string) =>
    `arn:${s.partition}:autoscaling:${region}:${s.account}:autoScalingGroup:*:autoScalingGroupName/${name}`;
  const out: PolicyStatementSpec[] = [
    {
      sid: sid(ctx, 'AsgVcpuQuota'),
      actions: ['servicequotas:GetServiceQuota'],
      resources: [`arn:${s.partition}:servicequotas:${s.recoveryRegion}:${s.account}:ec2/L-1216C47A`],
    },
  ];
  const targets = [
    ...(ctx.failoverSteps.length > 0 ? [group(s.recoveryRegion, r.recoveryGroupName)] : []),
    ...(ctx.failbackSteps.length > 0 ? [group(s.primaryRegion, r.primaryGroupName)] : []),
  ];
  if (targets.length > 0)
    out.push({
      sid: sid(ctx, 'AsgScale'),
      actions: ['autoscaling:UpdateAutoScalingGroup'],
      resources: targets,
    });
  return out;
}
