import type { PolicyStatementSpec } from '../policy-spec.js';
import { type ResourceContext, sid } from './context.js';

/**
 * ECS service: readiness and steps read the service in both Regions (DescribeServices is authorised on the
 * service ARN), readiness reads the recovery service's task definition (DescribeTaskDefinition has no
 * resource-level permissions: granted once on "*", see permissions.ts) and whether its images are in the
 * recovery Region's ECR (DescribeImages on the repositories of that Region: the repository comes from the task
 * definition, not the plan); a step sets the desired count of the service in the Region it scales.
 */
export function ecsStatements(ctx: ResourceContext<'ecs-service'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const service = (region: string, cluster: string, name: string) =>
    `arn:${s.partition}:ecs:${region}:${s.account}:service/${cluster}/${name}`;
  const primary = service(s.primaryRegion, r.primaryCluster, r.serviceName);
  const recovery = service(s.recoveryRegion, r.recoveryCluster, r.recoveryServiceName ?? r.serviceName);
  const out: PolicyStatementSpec[] = [
    { sid: sid(ctx, 'EcsReadServices'), actions: ['ecs:DescribeServices'], resources: [primary, recovery] },
    {
      sid: sid(ctx, 'EcrReadRecoveryImages'),
      actions: ['ecr:DescribeImages'],
      resources: [`arn:${s.partition}:ecr:${s.recoveryRegion}:${s.account}:repository/*`],
    },
  ];
  const targets = [
    ...(ctx.failoverSteps.length > 0 ? [recovery] : []),
    ...(ctx.failbackSteps.length > 0 ? [primary] : []),
  ];
  if (targets.length > 0)
    out.push({ sid: sid(ctx, 'EcsScale'), actions: ['ecs:UpdateService'], resources: targets });
  return out;
}
