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

/**
 * EC2: start standby instances, or launch from the launch template / the copied AMIs. Describe*
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
    ...(launches(ctx.failbackSteps) ? [s.primaryRegion] : []),
  ];
  if (launchRegions.length === 0) return out;

  const created = launchRegions.flatMap((region) =>
    ['instance', 'volume', 'network-interface'].map((type) => arn.ec2(s, region, type, '*')),
  );
  const used = launchRegions.flatMap((region) => [
    ...['subnet', 'security-group', 'key-pair'].map((type) => arn.ec2(s, region, type, '*')),
    arn.ec2Unowned(s, region, 'snapshot', '*'),
  ]);
  const images = launchRegions.map((region) => arn.ec2Unowned(s, region, 'image', '*'));
  const template = r.launchTemplate
    ? arn.ec2(s, s.recoveryRegion, 'launch-template', r.launchTemplate.id)
    : undefined;

  if (template && !launchRegions.includes(s.primaryRegion)) {
    // Everything the launch may touch, but only through this launch template.
    out.push(
      { sid: sid(ctx, 'Ec2LaunchTemplate'), actions: ['ec2:RunInstances'], resources: [template] },
      {
        sid: sid(ctx, 'Ec2LaunchFromTemplate'),
        actions: ['ec2:RunInstances'],
        resources: [...created, ...used, ...images],
        conditions: { ArnEquals: { 'ec2:LaunchTemplate': template } },
      },
    );
  } else {
    // Launch from the AMI copies marked with the plan's copyTag (plus the template if any).
    out.push(
      {
        sid: sid(ctx, 'Ec2Launch'),
        actions: ['ec2:RunInstances'],
        resources: [...created, ...used, ...(template ? [template] : [])],
      },
      {
        sid: sid(ctx, 'Ec2LaunchCopiedImage'),
        actions: ['ec2:RunInstances'],
        resources: images,
        conditions: { StringEquals: { [`aws:ResourceTag/${r.copyTag.key}`]: r.copyTag.value } },
      },
    );
  }
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
] as const;
