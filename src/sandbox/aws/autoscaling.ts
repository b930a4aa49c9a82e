import { randomUUID } from 'node:crypto';
import type {
  Activity,
  AutoScalingGroup,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput,
  DescribeScalingActivitiesCommandInput,
  DescribeScalingActivitiesCommandOutput,
  SetDesiredCapacityCommandInput,
  SetDesiredCapacityCommandOutput,
  UpdateAutoScalingGroupCommandInput,
  UpdateAutoScalingGroupCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import type { AsgActivity, AsgGroup, AsgInstance } from './autoscaling-state.js';
import { DURATIONS } from './durations.js';
import { templateOf, templateVersion } from './ec2-images.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import { INSTANCE_VCPUS, isStandard, vcpuQuota, vcpusInUse } from './service-quotas.js';
import { AZ, emitChange, nextId, regionUp, rkey, type World } from './world.js';

/**
 * EC2 Auto Scaling (FIDELITY.md, "EC2 Auto Scaling"): groups with min/max/desired capacity and a launch
 * template; the group launches or terminates instances until it has its desired capacity, each launch or
 * termination a scaling activity; a failed launch is a Failed activity with EC2's message, retried later.
 */

/** Stricter than AWS, which documents no interval: a failed launch is tried again after this (simulated). */
export const LAUNCH_RETRY_MS = 30_000;

const FAILED_SUFFIX = 'Launching EC2 instance failed.';

function activity(
  w: World,
  g: AsgGroup,
  description: string,
  status: AsgActivity['status'],
  message?: string,
) {
  const a: AsgActivity = {
    id: randomUUID(),
    group: g.name,
    region: g.region,
    description,
    cause:
      g.cause ??
      `At ${new Date(w.time.now()).toISOString()} an instance was started in response to a difference between desired and actual capacity.`,
    start: w.time.now(),
    status,
    ...(message ? { message } : {}),
    ...(status === 'Failed' ? { end: w.time.now() } : {}),
  };
  w.autoscaling.activities.push(a);
  return a;
}

/** Why EC2 would refuse this launch now, in its own words, or undefined. */
function launchRefusal(w: World, g: AsgGroup, type: string, count: number): string | undefined {
  if (w.autoscaling.shortages.has(g.region) || w.autoscaling.shortages.has(`${g.region}/${type}`))
    return `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${AZ(g.region)}). Our system will be working on provisioning additional capacity. You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing ${AZ(g.region, 1)}. ${FAILED_SUFFIX}`;
  const quota = vcpuQuota(w, g.region);
  if (isStandard(type) && vcpusInUse(w, g.region) + count * (INSTANCE_VCPUS[type] ?? 2) > quota)
    return `You have requested more vCPU capacity than your current vCPU limit of ${quota} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit. ${FAILED_SUFFIX}`;
  return undefined;
}

function launch(w: World, g: AsgGroup, count: number): void {
  g.lastAttempt = w.time.now();
  let version: ReturnType<typeof templateVersion>;
  try {
    version = templateVersion(
      templateOf(w, g.region, g.launchTemplate.id, undefined),
      g.launchTemplate.version,
    );
  } catch (error) {
    activity(
      w,
      g,
      'Launching a new EC2 instance.  Status Reason: launch template',
      'Failed',
      `${(error as Error).message} ${FAILED_SUFFIX}`,
    );
    return;
  }
  const refused = launchRefusal(w, g, version.instanceType, count);
  if (refused) {
    activity(w, g, `Launching a new EC2 instance.  Status Reason: ${refused}`, 'Failed', refused);
    return;
  }
  for (let n = 0; n < count; n++) {
    const id = nextId(w, 'i-');
    const az = AZ(g.region, g.instances.length + n);
    w.ec2.instances.set(id, {
      id,
      region: g.region,
      state: 'pending',
      type: version.instanceType,
      imageId: version.imageId,
      launchTime: w.time.now(),
      az,
      tags: { 'aws:autoscaling:groupName': g.name },
      privateIp: `10.2.${w.ec2.instances.size % 200}.${10 + n}`,
      ...(g.subnets[0] ? { subnetId: g.subnets[0] } : {}),
    });
    const member: AsgInstance = { id, az, lifecycle: 'Pending', health: 'Healthy' };
    g.instances.push(member);
    const a = activity(w, g, `Launching a new EC2 instance: ${id}`, 'InProgress');
    // Pending → InService once EC2 has the instance running (no lifecycle hooks, no warm-up in the model).
    w.scheduler.at(w.time.now() + w.time.toClock(DURATIONS.ec2Pending), () => {
      const i = w.ec2.instances.get(id);
      if (member.lifecycle !== 'Pending' || !i) return;
      i.state = 'running';
      member.lifecycle = 'InService';
      a.status = 'Successful';
      a.end = w.time.now();
      emitChange(w, 'autoscaling-instance', id, { group: g.name, region: g.region, to: 'InService' });
    });
  }
  delete g.cause;
}

function terminate(w: World, g: AsgGroup, count: number): void {
  // Default termination policy, simplified: newest instances first (stricter: AWS balances Availability Zones first).
  const victims = g.instances.filter((i) => i.lifecycle !== 'Terminating').slice(-count);
  for (const m of victims) {
    m.lifecycle = 'Terminating';
    const i = w.ec2.instances.get(m.id);
    if (i) i.state = 'shutting-down';
    const a = activity(w, g, `Terminating EC2 instance: ${m.id}`, 'InProgress');
    w.scheduler.at(w.time.now() + w.time.toClock(DURATIONS.ec2ShuttingDown), () => {
      if (i) i.state = 'terminated';
      g.instances = g.instances.filter((x) => x !== m);
      a.status = 'Successful';
      a.end = w.time.now();
    });
  }
  delete g.cause;
}

/** Brings every group towards its desired capacity (while its Region's control plane is up). */
export function advanceAutoscaling(w: World): void {
  for (const g of w.autoscaling.groups.values()) {
    if (!regionUp(w, g.region)) continue;
    const live = g.instances.filter((i) => i.lifecycle !== 'Terminating').length;
    if (live > g.desired) terminate(w, g, live - g.desired);
    else if (live < g.desired) {
      const retryAt = g.lastAttempt === undefined ? 0 : g.lastAttempt + w.time.toClock(LAUNCH_RETRY_MS);
      const failedLast =
        w.autoscaling.activities.findLast((a) => a.group === g.name && a.region === g.region)?.status ===
        'Failed';
      if (!failedLast || w.time.now() >= retryAt) launch(w, g, g.desired - live);
    }
  }
}

function groupOf(w: World, region: string, name: string | undefined): AsgGroup {
  const g = name === undefined ? undefined : w.autoscaling.groups.get(rkey(region, name));
  if (!g)
    throw awsError(
      'autoscaling',
      'ValidationError',
      `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`,
    );
  return g;
}

function shape(w: World, g: AsgGroup): AutoScalingGroup {
  const lt = { LaunchTemplateId: g.launchTemplate.id, Version: g.launchTemplate.version };
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: lt,
    MinSize: g.min,
    MaxSize: g.max,
    DesiredCapacity: g.desired,
    DefaultCooldown: 300,
    AvailabilityZones: [AZ(g.region, 0), AZ(g.region, 1)],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    CreatedTime: new Date(g.createdAt),
    VPCZoneIdentifier: g.subnets.join(','),
    ServiceLinkedRoleARN: `arn:aws:iam::${w.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    Instances: g.instances.map((i) => ({
      InstanceId: i.id,
      InstanceType: w.ec2.instances.get(i.id)?.type,
      AvailabilityZone: i.az,
      LifecycleState: i.lifecycle,
      HealthStatus: i.health,
      LaunchTemplate: lt,
      ProtectedFromScaleIn: false,
    })),
  };
}

const activityShape = (a: AsgActivity): Activity => ({
  ActivityId: a.id,
  AutoScalingGroupName: a.group,
  Description: a.description,
  Cause: a.cause,
  StartTime: new Date(a.start),
  ...(a.end !== undefined ? { EndTime: new Date(a.end) } : {}),
  StatusCode: a.status,
  ...(a.message ? { StatusMessage: a.message } : {}),
  Progress: a.status === 'InProgress' ? 50 : 100,
});

function setDesired(w: World, g: AsgGroup, desired: number, request: string): void {
  if (desired !== g.desired)
    g.cause = `At ${new Date(w.time.now()).toISOString()} ${request} changing the desired capacity from ${g.desired} to ${desired}.`;
  g.desired = desired;
  emitChange(w, 'autoscaling-group', g.name, { region: g.region, desired });
}

export function registerAutoscaling(registry: Registry): void {
  registry
    .on<DescribeAutoScalingGroupsCommandInput, DescribeAutoScalingGroupsCommandOutput>(
      'autoscaling:DescribeAutoScalingGroups',
      (input, { world, region }) => {
        // Names that do not exist are left out of the answer, not an error (API reference).
        const names = input.AutoScalingGroupNames ?? [];
        const groups = [...world.autoscaling.groups.values()].filter(
          (g) => g.region === region && (names.length === 0 || names.includes(g.name)),
        );
        return { AutoScalingGroups: groups.map((g) => shape(world, g)) };
      },
    )
    .on<DescribeScalingActivitiesCommandInput, DescribeScalingActivitiesCommandOutput>(
      'autoscaling:DescribeScalingActivities',
      (input, { world, region }) => {
        const listed = world.autoscaling.activities
          .filter(
            (a) =>
              a.region === region &&
              (input.AutoScalingGroupName === undefined || a.group === input.AutoScalingGroupName),
          )
          .sort((a, b) => b.start - a.start);
        return { Activities: listed.slice(0, input.MaxRecords ?? 100).map(activityShape) };
      },
    )
    .on<UpdateAutoScalingGroupCommandInput, UpdateAutoScalingGroupCommandOutput>(
      'autoscaling:UpdateAutoScalingGroup',
      (input, { world, region }) => {
        const g = groupOf(world, region, input.AutoScalingGroupName);
        const min = input.MinSize ?? g.min;
        const max = input.MaxSize ?? g.max;
        if (min > max)
          throw awsError(
            'autoscaling',
            'ValidationError',
            `Max bound, ${max}, must be greater than or equal to min bound, ${min}`,
          );
        // Without DesiredCapacity, a MinSize above (MaxSize below) the current desired capacity moves it (API reference).
        const desired = input.DesiredCapacity ?? Math.min(max, Math.max(min, g.desired));
        if (desired < min || desired > max)
          throw awsError(
            'autoscaling',
            'ValidationError',
            `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
          );
        g.min = min;
        g.max = max;
        setDesired(
          world,
          g,
          desired,
          `a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired}`,
        );
        return {};
      },
    )
    .on<SetDesiredCapacityCommandInput, SetDesiredCapacityCommandOutput>(
      'autoscaling:SetDesiredCapacity',
      (input, { world, region }) => {
        const g = groupOf(world, region, input.AutoScalingGroupName);
        const d = input.DesiredCapacity ?? g.desired;
        if (d > g.max)
          throw awsError(
            'autoscaling',
            'ValidationError',
            `New SetDesiredCapacity value ${d} is above max value ${g.max} for the AutoScalingGroup.`,
          );
        if (d < g.min)
          throw awsError(
            'autoscaling',
            'ValidationError',
            `New SetDesiredCapacity value ${d} is below min value ${g.min} for the AutoScalingGroup.`,
          );
        setDesired(world, g, d, 'a user request explicitly set group desired capacity');
        return {};
      },
    );
}

/** A group seeded with `desired` instances already InService (no activities for them). */
export function seedGroup(
  w: World,
  g: Omit<AsgGroup, 'instances' | 'arn' | 'createdAt'>,
  instanceType: string,
  imageId: string,
): void {
  const group: AsgGroup = {
    ...g,
    arn: `arn:aws:autoscaling:${g.region}:${w.account}:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${g.name}`,
    createdAt: w.time.now() - 30 * 86_400_000,
    instances: [],
  };
  for (let n = 0; n < g.desired; n++) {
    const id = nextId(w, 'i-');
    const az = AZ(g.region, n);
    w.ec2.instances.set(id, {
      id,
      region: g.region,
      state: 'running',
      type: instanceType,
      imageId,
      launchTime: w.time.now() - 7 * 86_400_000,
      az,
      tags: { 'aws:autoscaling:groupName': g.name },
      privateIp: `10.3.${n}.${10 + n}`,
    });
    group.instances.push({ id, az, lifecycle: 'InService', health: 'Healthy' });
  }
  w.autoscaling.groups.set(rkey(g.region, g.name), group);
}
