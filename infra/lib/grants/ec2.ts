import type { Step } from '../../../src/plan/schema.js';
import { arn } from '../arns.js';
import type { PolicyStatementSpec } from '../policy-spec.js';
import { DRILL_TAG_KEY, type ResourceContext, sid } from './context.js';

type Ec2Step = Extract<Step, { kind: 'ec2' }>;

/** Tags the runbook puts on instances it launches (src/runbook/executors/ec2.ts). */
export const SERVICE_TAG = 'lifeboat:service';
export const EXECUTION_TAG = 'lifeboat:execution';

const withAction = (steps: readonly Step[], actions: readonly Ec2Step['action'][]) =>
  steps.some((s) => s.kind === 'ec2' && actions.includes((s as Ec2Step).action));
const launches = (steps: readonly Step[]) => withAction(steps, ['set-capacity', 'launch-from-ami']);
const starts = (steps: readonly Step[]) => withAction(steps, ['start-instances']);
const stops = (steps: readonly Step[]) => withAction(steps, ['stop-recovery']);

/**
 * A failback `stop-recovery` step stops, in the recovery Region, the standbys the failover started (by ARN)
 * and the instances it launched (tagged by Lifeboat at launch with the service and the execution).
 */
function stopStatements(ctx: ResourceContext<'ec2'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  if (!stops(ctx.failbackSteps)) return [];
  return [
    ...(r.standbyInstances.length > 0
      ? [
          {
            sid: sid(ctx, 'Ec2StopStandbys'),
            actions: ['ec2:StopInstances'],
            resources: r.standbyInstances.map((id) => arn.ec2(s, s.recoveryRegion, 'instance', id)),
          },
        ]
      : []),
    {
      sid: sid(ctx, 'Ec2StopLaunched'),
      actions: ['ec2:StopInstances'],
      resources: [arn.ec2(s, s.recoveryRegion, 'instance', '*')],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${SERVICE_TAG}`]: ctx.service },
        Null: { [`aws:ResourceTag/${EXECUTION_TAG}`]: 'false' },
      },
    },
  ];
}

type LaunchTemplate = NonNullable<ResourceContext<'ec2'>['resource']['launchTemplate']>;

/** What RunInstances creates in a Region (and tags while it does). */
const createdIn = (s: ResourceContext<'ec2'>['scope'], region: string) =>
  ['instance', 'volume', 'network-interface'].map((type) => arn.ec2(s, region, type, '*'));

/**
 * RunInstances in one Region: only through the Region's own launch template when there is one (the recovery
 * Region's `launchTemplate`, the primary's `primaryLaunchTemplate`), else from the AMI copies marked with the
 * plan's copyTag. `prefix` keeps the statement ids of the two Regions apart.
 */
function launchStatements(
  ctx: ResourceContext<'ec2'>,
  region: string,
  template: LaunchTemplate | undefined,
  prefix: string,
): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const created = createdIn(s, region);
  const used = [
    ...['subnet', 'security-group', 'key-pair'].map((type) => arn.ec2(s, region, type, '*')),
    arn.ec2Unowned(s, region, 'snapshot', '*'),
  ];
  const images = [arn.ec2Unowned(s, region, 'image', '*')];
  if (template) {
    const lt = arn.ec2(s, region, 'launch-template', template.id);
    // Everything the launch may touch, but only through this launch template.
    return [
      { sid: sid(ctx, `${prefix}LaunchTemplate`), actions: ['ec2:RunInstances'], resources: [lt] },
      {
        sid: sid(ctx, `${prefix}LaunchFromTemplate`),
        actions: ['ec2:RunInstances'],
        resources: [...created, ...used, ...images],
        conditions: { ArnEquals: { 'ec2:LaunchTemplate': lt } },
      },
    ];
  }
  return [
    { sid: sid(ctx, `${prefix}Launch`), actions: ['ec2:RunInstances'], resources: [...created, ...used] },
    {
      sid: sid(ctx, `${prefix}LaunchCopiedImage`),
      actions: ['ec2:RunInstances'],
      resources: images,
      conditions: { StringEquals: { [`aws:ResourceTag/${r.copyTag.key}`]: r.copyTag.value } },
    },
  ];
}

/**
 * EC2: start standby (failback: primary) instances, or launch: in the recovery Region from its launch template /
 * the copied AMIs; in the primary Region (failback) only from the plan's `primaryLaunchTemplate` — without one a
 * failback launch refuses to run (src/runbook/executors/ec2-failback.ts), so nothing is granted there. Describe*
 * calls do not support resource-level permissions and are granted once, on "*", by the caller.
 */
export function ec2Statements(ctx: ResourceContext<'ec2'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const out: PolicyStatementSpec[] = [];

  const startTargets = [
    ...(starts(ctx.failoverSteps)
      ? r.standbyInstances.map((id) => arn.ec2(s, s.recoveryRegion, 'instance', id))
      : []),
    ...(starts(ctx.failbackSteps)
      ? r.primaryInstances.map((id) => arn.ec2(s, s.primaryRegion, 'instance', id))
      : []),
  ];
  if (startTargets.length > 0) {
    out.push({ sid: sid(ctx, 'Ec2Start'), actions: ['ec2:StartInstances'], resources: startTargets });
  }
  out.push(...stopStatements(ctx));

  const launchRegions = [
    ...(launches(ctx.failoverSteps) ? [s.recoveryRegion] : []),
    ...(launches(ctx.failbackSteps) && r.primaryLaunchTemplate ? [s.primaryRegion] : []),
  ];
  if (launchRegions.length === 0) return out;
  if (launchRegions.includes(s.recoveryRegion)) {
    out.push(...launchStatements(ctx, s.recoveryRegion, r.launchTemplate, 'Ec2'));
    // Readiness reads the recovery Region's standard On-Demand vCPU quota (L-1216C47A).
    out.push({
      sid: sid(ctx, 'Ec2VcpuQuota'),
      actions: ['servicequotas:GetServiceQuota'],
      resources: [`arn:${s.partition}:servicequotas:${s.recoveryRegion}:${s.account}:ec2/L-1216C47A`],
    });
  }
  if (launchRegions.includes(s.primaryRegion))
    out.push(...launchStatements(ctx, s.primaryRegion, r.primaryLaunchTemplate, 'Ec2Failback'));

  const created = launchRegions.flatMap((region) => createdIn(s, region));
  out.push(
    {
      sid: sid(ctx, 'Ec2TagOnLaunch'),
      actions: ['ec2:CreateTags'],
      resources: created,
      conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
    },
    {
      sid: sid(ctx, 'Ec2DrillTerminate'),
      actions: ['ec2:TerminateInstances'],
      resources: launchRegions.map((region) => arn.ec2(s, region, 'instance', '*')),
      conditions: { Null: { [`aws:ResourceTag/${DRILL_TAG_KEY}`]: 'false' } },
    },
  );
  return out;
}

/** Read-only EC2 calls readiness makes; none supports resource-level permissions. */
export const EC2_DESCRIBE_ACTIONS = [
  'ec2:DescribeInstances',
  'ec2:DescribeImages',
  'ec2:DescribeSnapshots',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeCapacityReservations',
  'ec2:DescribeInstanceTypes',
] as const;
