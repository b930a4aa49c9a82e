import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { AwsClients, RegionClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import { AwsCallError, awsCall, type CheckBase, guard } from '../../readiness/aws/call.js';
import { STANDARD, VCPU_QUOTA, vcpuHeadroom } from '../../readiness/aws/ec2.js';
import { count, text } from '../../readiness/format.js';
import type { Check, CheckContext, Checker, NamedService } from '../../readiness/types.js';
import {
  bounded,
  describeGroup,
  inService,
  OTHER_REGION_READ_MS,
  type Run,
  targetCapacity,
} from './groups.js';
import type { AutoscalingGroup } from './schema.js';

const base = (r: AutoscalingGroup, name: string): CheckBase => ({ resourceId: r.id, kind: r.kind, name });

/**
 * EC2 Auto Scaling group in the recovery Region: the group exists with subnets and a launch template that
 * resolves (DescribeLaunchTemplateVersions), its MaxSize against the failover's target (absolute, or a
 * percentage of the primary group's desired capacity), and the Region's standard On-Demand vCPU quota against
 * the instances the failover adds.
 */
export function createAutoscalingChecker(clients: AwsClients): Checker<'autoscaling-group'> {
  return {
    async check(resource, service, ctx) {
      const recovery = clients.forRegion(service.recoveryRegion);
      const run: Run = (action, call) => awsCall(ctx, action, call);
      const subject = `Auto Scaling group ${resource.recoveryGroupName}`;
      let group: AutoScalingGroup | undefined;
      const found = await guard(base(resource, 'group'), subject, async () => {
        group = await describeGroup(run, recovery, resource.recoveryGroupName);
        return groupCheck(resource, service, ctx, recovery, group);
      });
      if (!group) return found;
      const g = group;
      const primary = await primaryDesired(resource, service, clients, run);
      const target = targetCapacity(resource, primary.desired);
      const rest = await Promise.all([
        guard(base(resource, 'capacity'), subject, async () =>
          capacityCheck(resource, g, target, primary.problem),
        ),
        target && target.capacity > (g.DesiredCapacity ?? 0)
          ? guard(base(resource, 'vCPU quota'), `vCPU quota ${VCPU_QUOTA}`, () =>
              quotaCheck(resource, ctx, recovery, g, target.capacity - (g.DesiredCapacity ?? 0)),
            )
          : Promise.resolve([]),
      ]);
      return [...found, ...rest.flat()];
    },
  };
}

function templateOf(g: AutoScalingGroup): { id?: string; name?: string; version: string } | undefined {
  const lt = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!lt) return undefined;
  return {
    ...(lt.LaunchTemplateId ? { id: lt.LaunchTemplateId } : {}),
    ...(lt.LaunchTemplateName ? { name: lt.LaunchTemplateName } : {}),
    version: lt.Version ?? '$Default',
  };
}

async function launchTemplateType(
  ctx: CheckContext,
  clients: RegionClients,
  g: AutoScalingGroup,
): Promise<string | undefined> {
  const lt = templateOf(g);
  if (!lt) return undefined;
  const out = await awsCall(ctx, 'ec2:DescribeLaunchTemplateVersions', (abortSignal) =>
    clients.ec2.send(
      new (sdk.ec2().DescribeLaunchTemplateVersionsCommand)({
        ...(lt.id ? { LaunchTemplateId: lt.id } : { LaunchTemplateName: lt.name }),
        Versions: [lt.version],
      }),
      { abortSignal },
    ),
  );
  return out.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType ?? '';
}

async function groupCheck(
  r: AutoscalingGroup,
  service: NamedService,
  ctx: CheckContext,
  clients: RegionClients,
  g: AutoScalingGroup | undefined,
): Promise<Check> {
  const b = base(r, 'group');
  const where = `${r.recoveryGroupName} in ${service.recoveryRegion}`;
  if (!g)
    return { ...b, verdict: 'not_ready', measured: text('not found'), reason: `${r.id}: ${where} not found` };
  const subnets = (g.VPCZoneIdentifier ?? '').split(',').filter(Boolean);
  if (subnets.length === 0)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('no subnets'),
      reason: `${r.id}: ${where} lists no subnets (VPCZoneIdentifier)`,
    };
  if (!templateOf(g))
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('no launch template'),
      reason: `${r.id}: ${where} names no launch template`,
    };
  try {
    const type = await launchTemplateType(ctx, clients, g);
    return {
      ...b,
      verdict: 'ready',
      measured: text('launch template valid'),
      reason: `${r.id}: ${where}: launch template resolves (${type || 'no instance type'}), ${subnets.length} subnet(s)`,
    };
  } catch (error) {
    const name = error instanceof AwsCallError ? error.awsName : undefined;
    if (name && /NotFound|Malformed/.test(name))
      return {
        ...b,
        verdict: 'not_ready',
        measured: text('launch template invalid'),
        reason: `${r.id}: ${where}: its launch template does not resolve (${name})`,
      };
    throw error;
  }
}

async function primaryDesired(
  r: AutoscalingGroup,
  service: NamedService,
  clients: AwsClients,
  run: Run,
): Promise<{ desired?: number; problem?: string }> {
  if (r.capacity.percent === undefined) return {};
  try {
    const g = await describeGroup(
      bounded(run, OTHER_REGION_READ_MS),
      clients.forRegion(service.primaryRegion),
      r.primaryGroupName,
    );
    return g ? { desired: g.DesiredCapacity ?? 0 } : { problem: `${r.primaryGroupName} not found` };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

function capacityCheck(
  r: AutoscalingGroup,
  g: AutoScalingGroup,
  target: { capacity: number; basis: string } | undefined,
  problem: string | undefined,
): Check {
  const b = base(r, 'capacity');
  const now = `desired ${g.DesiredCapacity ?? 0}, ${inService(g)} InService, min ${g.MinSize ?? 0}, max ${g.MaxSize ?? 0}`;
  if (!target)
    return {
      ...b,
      verdict: 'unknown',
      reason: `${r.id}: target not measurable: ${problem ?? 'no capacity'} (${now})`,
    };
  const raise =
    target.capacity > (g.MaxSize ?? 0) ? `; the failover raises MaxSize to ${target.capacity}` : '';
  return {
    ...b,
    verdict: 'ready',
    measured: count(g.DesiredCapacity ?? 0),
    target: count(target.capacity),
    reason: `${r.id}: target ${target.basis}; now ${now}${raise}`,
  };
}

async function quotaCheck(
  r: AutoscalingGroup,
  ctx: CheckContext,
  clients: RegionClients,
  g: AutoScalingGroup,
  added: number,
): Promise<Check> {
  const b = base(r, 'vCPU quota');
  const type = await launchTemplateType(ctx, clients, g);
  if (!type || !STANDARD.test(type))
    return {
      ...b,
      verdict: 'unknown',
      reason: `${r.id}: ${type ? `${type} is not counted by ${VCPU_QUOTA}` : 'the launch template names no instance type'}; its quota is not measured`,
    };
  const { limit, used, per } = await vcpuHeadroom(ctx, clients, type);
  if (limit === undefined || Number.isNaN(per) || Number.isNaN(used))
    return { ...b, verdict: 'unknown', reason: `${r.id}: vCPU quota or instance vCPUs not measurable` };
  const needed = added * per;
  const available = Math.max(0, limit - used);
  const reason = `${r.id}: ${available} of ${limit} vCPUs free in the recovery Region (${used} in use), ${needed} needed for ${added} more ${type}`;
  const verdict = available >= needed ? 'ready' : available >= per ? 'degraded' : 'not_ready';
  return { ...b, verdict, measured: count(available), target: count(needed), reason };
}
