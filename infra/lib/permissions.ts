import type { ParsedPlan, Resource, ResourceKind, RunbookEntry, Step } from '../../src/plan/schema.js';
import { runbookEntries } from '../../src/runbook/stages.js';
import { arn, partitionOf, type Scope } from './arns.js';
import { arcStatements } from './grants/arc.js';
import { AUTOSCALING_DESCRIBE_ACTIONS, autoscalingStatements } from './grants/autoscaling.js';
import { backupDrillRestoreStatements, backupReadStatements } from './grants/backup.js';
import { docdbStatements } from './grants/docdb.js';
import { dynamodbStatements } from './grants/dynamodb.js';
import { EC2_DESCRIBE_ACTIONS, ec2Statements } from './grants/ec2.js';
import { ecsStatements } from './grants/ecs.js';
import { elasticacheStatements } from './grants/elasticache.js';
import { kmsStatements } from './grants/kms.js';
import { lambdaStatements } from './grants/lambda.js';
import { auroraStatements, rdsInstanceStatements } from './grants/rds.js';
import { route53Statements } from './grants/route53.js';
import { s3Statements } from './grants/s3.js';
import {
  dedupeStatements,
  PolicyInvariantError,
  type PolicyStatementSpec,
  pascal,
  policyProblems,
} from './policy-spec.js';
import { assumeRoleStatements, planOfRole, planWithoutRoles } from './workload-roles.js';

export { DRILL_PREFIX, DRILL_TAG_KEY } from './grants/context.js';
export type { PolicyStatementSpec } from './policy-spec.js';

export interface PermissionOptions {
  /**
   * Roles Lifeboat may pass to S3 (replication role for failback) or EC2 (instance profile in a
   * launch template). The plan does not name them, so the operator lists them explicitly.
   */
  readonly passRoleArns?: readonly string[];
}

type StepWithResource = Extract<Step, { resource: string }>;

/**
 * The IAM statements the bot's task role needs for this plan, and nothing more: per resource
 * kind, the read-only calls readiness makes and the mutating calls its runbook steps and drills
 * make, each scoped to ARNs built from the plan. Resource "*" appears only for read-only calls
 * that AWS does not authorise per resource (EC2 Describe*, CloudWatch reads, DynamoDB
 * ListStreams). Throws PolicyInvariantError if that rule would ever be broken.
 */
export function policyStatementsForPlan(
  plan: ParsedPlan,
  options: PermissionOptions = {},
): PolicyStatementSpec[] {
  // Resources behind a workload role are granted to that role (workloadRoleStatements); the bot may assume it.
  const own = statementsFor(planWithoutRoles(plan), options);
  const assume = assumeRoleStatements(plan);
  if (assume.length === 0) return own;
  const result = dedupeStatements([...own, ...assume]);
  const problems = policyProblems(result);
  if (problems.length > 0) throw new PolicyInvariantError(problems);
  return result;
}

/** What one workload role (docs/deploy.md) needs: the same derivation, over the resources behind it. */
export function workloadRoleStatements(plan: ParsedPlan, roleArn: string): PolicyStatementSpec[] {
  return statementsFor(planOfRole(plan, roleArn), {});
}

function statementsFor(plan: ParsedPlan, options: PermissionOptions): PolicyStatementSpec[] {
  const statements: PolicyStatementSpec[] = [];
  const kinds = new Set<ResourceKind>();
  let scopeForGlobal: Scope | undefined;

  for (const [service, svc] of Object.entries(plan.services)) {
    const account = svc.account ?? plan.account;
    if (!account) throw new Error(`services.${service}: no account in the plan`);
    const scope: Scope = {
      partition: partitionOf(svc.recoveryRegion),
      account,
      primaryRegion: svc.primaryRegion,
      recoveryRegion: svc.recoveryRegion,
    };
    scopeForGlobal ??= scope;
    // The runbooks the runtime runs: `runbook.failback`, or the default failback derived from the failover
    // (src/runbook/stages.ts), so that a plan without `runbook.failback` gets the permissions its failback needs.
    const named = { ...svc, name: service };
    const failover = flatSteps(runbookEntries(named, 'failover'));
    const failback = flatSteps(runbookEntries(named, 'failback'));
    const stepsOf = (steps: readonly Step[], id: string): StepWithResource[] =>
      steps.filter((s): s is StepWithResource => 'resource' in s && s.resource === id);

    for (const resource of svc.resources) {
      kinds.add(resource.kind);
      const ctx = {
        scope,
        service,
        resource,
        failoverSteps: stepsOf(failover, resource.id),
        failbackSteps: stepsOf(failback, resource.id),
      };
      statements.push(...statementsForResource(ctx), ...kmsStatements(service, resource, scope));
    }

    const verifyChecks = [...failover, ...failback].flatMap((s) =>
      s.kind === 'verify' && s.healthCheckId ? [s.healthCheckId] : [],
    );
    if (verifyChecks.length > 0) {
      statements.push({
        sid: `VerifyHealthChecks${pascal(service)}`,
        actions: ['route53:GetHealthCheckStatus', 'route53:GetHealthCheck'],
        resources: verifyChecks.map((id) => arn.route53(scope, 'healthcheck', id)),
      });
    }
    if (svc.stakeholderTopics.length > 0) {
      statements.push({
        sid: `NotifyStakeholders${pascal(service)}`,
        actions: ['sns:Publish'],
        resources: svc.stakeholderTopics,
      });
    }
  }

  if (plan.alarmTopics.length > 0) {
    // HTTPS delivery to /sns: the bot confirms its own subscriptions to the alarm topics.
    statements.push({
      sid: 'AlarmTopicSubscriptions',
      actions: ['sns:Subscribe', 'sns:ConfirmSubscription'],
      resources: plan.alarmTopics,
    });
  }
  if (scopeForGlobal) statements.push(...globalStatements(kinds, scopeForGlobal));
  if (scopeForGlobal) statements.push(...backupReadStatements(plan, scopeForGlobal.partition));
  if (scopeForGlobal) statements.push(...backupDrillRestoreStatements(plan, scopeForGlobal.partition));
  if (options.passRoleArns && options.passRoleArns.length > 0) {
    statements.push({
      sid: 'PassReplicationAndInstanceRoles',
      actions: ['iam:PassRole'],
      resources: options.passRoleArns,
      conditions: { StringEquals: { 'iam:PassedToService': ['s3.amazonaws.com', 'ec2.amazonaws.com'] } },
    });
  }

  const result = dedupeStatements(statements);
  const problems = policyProblems(result);
  if (problems.length > 0) throw new PolicyInvariantError(problems);
  return result;
}

const flatSteps = (entries: readonly RunbookEntry[]): Step[] =>
  entries.flatMap((entry) => ('parallel' in entry ? entry.parallel : [entry]));

function statementsForResource(ctx: {
  scope: Scope;
  service: string;
  resource: Resource;
  failoverSteps: StepWithResource[];
  failbackSteps: StepWithResource[];
}): PolicyStatementSpec[] {
  const r = ctx.resource;
  switch (r.kind) {
    case 'aurora-global-cluster':
      return auroraStatements({ ...ctx, resource: r });
    case 'rds-instance':
      return rdsInstanceStatements({ ...ctx, resource: r });
    case 'ec2':
      return ec2Statements({ ...ctx, resource: r });
    case 's3-bucket':
      return s3Statements({ ...ctx, resource: r });
    case 'dynamodb-global-table':
      return dynamodbStatements({ ...ctx, resource: r });
    case 'route53':
      return route53Statements({ ...ctx, resource: r });
    case 'arc-routing-control':
      return arcStatements({ ...ctx, resource: r });
    case 'autoscaling-group':
      return autoscalingStatements({ ...ctx, resource: r });
    case 'ecs-service':
      return ecsStatements({ ...ctx, resource: r });
    case 'lambda-function':
      return lambdaStatements({ ...ctx, resource: r });
    case 'elasticache-global-datastore':
      return elasticacheStatements({ ...ctx, resource: r });
    case 'docdb-global-cluster':
      return docdbStatements({ ...ctx, resource: r });
  }
}

/** Read-only calls that AWS authorises only on "*" (or on a type-wide pattern), granted once. */
function globalStatements(kinds: ReadonlySet<ResourceKind>, scope: Scope): PolicyStatementSpec[] {
  const out: PolicyStatementSpec[] = [
    {
      // Readiness metrics (ReplicationLatency, S3 RTC, AuroraGlobalDBReplicationLag) and alarm state;
      // DescribeAlarms on composite alarms needs "*" (CloudWatch permissions reference).
      sid: 'CloudWatchRead',
      actions: ['cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
      resources: ['*'],
    },
  ];
  if (kinds.has('ec2') || kinds.has('autoscaling-group'))
    out.push({ sid: 'Ec2Describe', actions: [...EC2_DESCRIBE_ACTIONS], resources: ['*'] });
  if (kinds.has('autoscaling-group'))
    out.push({ sid: 'AutoScalingDescribe', actions: [...AUTOSCALING_DESCRIBE_ACTIONS], resources: ['*'] });
  if (kinds.has('ecs-service'))
    out.push({
      sid: 'EcsDescribeTaskDefinitions',
      actions: ['ecs:DescribeTaskDefinition'],
      resources: ['*'],
    });
  if (kinds.has('dynamodb-global-table')) {
    out.push({ sid: 'DynamoListStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] });
  }
  if (kinds.has('route53')) {
    out.push({
      sid: 'Route53GetChange',
      actions: ['route53:GetChange'],
      resources: [arn.route53(scope, 'change', '*')],
    });
  }
  return out;
}
