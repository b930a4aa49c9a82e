import type { AwsClients } from '../../adapters/aws/clients.js';
import { byInstanceIds } from '../../adapters/aws/ec2-ids.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { count, text } from '../format.js';
import type { Check, CheckContext, Checker, NamedService } from '../types.js';
import { awsCall, type CheckBase, guard } from './call.js';
import { freshnessCheck } from './freshness.js';

type Ec2 = ResourceOf<'ec2'>;
type RegionClients = ReturnType<AwsClients['forRegion']>;

/** Instance states from which a standby can serve (stopped ones are started by the runbook). */
const USABLE_STATES = new Set(['running', 'stopped', 'pending', 'stopping']);

/**
 * EC2 in the recovery Region: AMI and EBS snapshot copies tagged with the plan's copyTag (owned by this
 * account) exist, the newest is younger than the RPO and encrypted; the launch template exists or the standby
 * instances are present and usable.
 */
export function createEc2Checker(clients: AwsClients): Checker<'ec2'> {
  return {
    async check(resource, service, ctx) {
      const ec2 = clients.forRegion(service.recoveryRegion);
      const sections = await Promise.all([
        guard(base(resource, 'AMI copy'), 'AMI copies', () => amiCopy(resource, service, ctx, ec2)),
        guard(base(resource, 'snapshot copy'), 'EBS snapshot copies', () =>
          snapshotCopy(resource, service, ctx, ec2),
        ),
        guard(base(resource, 'capacity'), capacitySubject(resource), () => capacity(resource, ctx, ec2)),
        resource.capacityReservationIds.length > 0
          ? guard(
              base(resource, 'capacity reservations'),
              `Capacity Reservations ${resource.capacityReservationIds.join(', ')}`,
              () => reservations(resource, ctx, ec2),
            )
          : Promise.resolve([]),
        (resource.launchTemplate || resource.instanceType) && toLaunch(resource) > 0
          ? guard(base(resource, 'vCPU quota'), `vCPU quota ${VCPU_QUOTA}`, () =>
              vcpuQuota(resource, ctx, ec2),
            )
          : Promise.resolve([]),
      ]);
      return sections.flat();
    },
  };
}

/**
 * AMI and EBS snapshot copies are made on a schedule (typically daily), so their age is compared
 * with the resource's maxCopyAge (default: the backup interval), not with the service's data RPO,
 * and does not count towards the RPO estimate: compute rebuilt from an image loses no data.
 */
function maxCopyAge(resource: Ec2, service: NamedService, ctx: CheckContext): number {
  return resource.maxCopyAge ?? service.backupInterval ?? ctx.defaults.backupInterval;
}

function base(resource: Ec2, name: string, freshness = false): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name, ...(freshness ? { freshness } : {}) };
}

const tagFilter = (resource: Ec2) => ({
  Name: `tag:${resource.copyTag.key}`,
  Values: [resource.copyTag.value],
});
const tagText = (resource: Ec2) => `${resource.copyTag.key}=${resource.copyTag.value}`;

interface Copy {
  readonly id: string;
  readonly at: number;
  readonly encrypted: boolean;
}

/** The newest copy's verdict: missing → not ready; too old → degraded; unencrypted → degraded. */
function copyVerdict(
  b: CheckBase,
  newest: Copy | undefined,
  what: { readonly none: string; readonly age: string; readonly unencrypted: string },
  resource: Ec2,
  service: NamedService,
  ctx: CheckContext,
): Check {
  if (!newest) {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('none'),
      reason: `${resource.id}: no ${what.none} tagged ${tagText(resource)} in ${service.recoveryRegion}`,
    };
  }
  const check = freshnessCheck(
    b,
    `${what.age} ${newest.id} age`,
    Math.max(0, ctx.now - newest.at),
    maxCopyAge(resource, service, ctx),
    'max copy age',
    'api',
    false,
  );
  if (check.verdict === 'ready' && !newest.encrypted) {
    return {
      ...check,
      verdict: 'degraded',
      reason: `${resource.id}: ${what.unencrypted.replace('{id}', newest.id)}`,
    };
  }
  return check;
}

const newer = (candidate: Copy, newest: Copy | undefined) => !newest || candidate.at > newest.at;

async function amiCopy(
  resource: Ec2,
  service: NamedService,
  ctx: CheckContext,
  ec2: RegionClients,
): Promise<Check> {
  const out = await awsCall(ctx, 'ec2:DescribeImages', (abortSignal) =>
    ec2.ec2.send(
      new (sdk.ec2().DescribeImagesCommand)({
        Owners: ['self'],
        Filters: [tagFilter(resource), { Name: 'state', Values: ['available'] }],
      }),
      { abortSignal },
    ),
  );
  let newest: Copy | undefined;
  for (const image of out.Images ?? []) {
    const at = image.CreationDate ? Date.parse(image.CreationDate) : Number.NaN;
    const volumes = (image.BlockDeviceMappings ?? []).filter((m) => m.Ebs);
    const copy = {
      id: image.ImageId ?? '?',
      at,
      encrypted: volumes.length > 0 && volumes.every((m) => m.Ebs?.Encrypted === true),
    };
    if (!Number.isNaN(at) && newer(copy, newest)) newest = copy;
  }
  return copyVerdict(
    base(resource, 'AMI copy'),
    newest,
    { none: 'AMI', age: 'newest AMI copy', unencrypted: 'AMI copy {id} has unencrypted volumes' },
    resource,
    service,
    ctx,
  );
}

async function snapshotCopy(
  resource: Ec2,
  service: NamedService,
  ctx: CheckContext,
  ec2: RegionClients,
): Promise<Check> {
  const out = await awsCall(ctx, 'ec2:DescribeSnapshots', (abortSignal) =>
    ec2.ec2.send(
      new (sdk.ec2().DescribeSnapshotsCommand)({
        OwnerIds: ['self'],
        Filters: [tagFilter(resource), { Name: 'status', Values: ['completed'] }],
      }),
      { abortSignal },
    ),
  );
  let newest: Copy | undefined;
  for (const snapshot of out.Snapshots ?? []) {
    const at = snapshot.StartTime?.getTime();
    if (at === undefined) continue;
    const copy = { id: snapshot.SnapshotId ?? '?', at, encrypted: snapshot.Encrypted === true };
    if (newer(copy, newest)) newest = copy;
  }
  return copyVerdict(
    base(resource, 'snapshot copy'),
    newest,
    { none: 'EBS snapshot', age: 'newest snapshot copy', unencrypted: 'snapshot copy {id} is not encrypted' },
    resource,
    service,
    ctx,
  );
}

function capacitySubject(resource: Ec2): string {
  return resource.launchTemplate ? `launch template ${resource.launchTemplate.id}` : 'standby instances';
}

async function capacity(resource: Ec2, ctx: CheckContext, ec2: RegionClients): Promise<Check> {
  const b = base(resource, 'capacity');
  if (resource.launchTemplate) {
    const templateId = resource.launchTemplate.id;
    const out = await awsCall(ctx, 'ec2:DescribeLaunchTemplates', (abortSignal) =>
      ec2.ec2.send(new (sdk.ec2().DescribeLaunchTemplatesCommand)({ LaunchTemplateIds: [templateId] }), {
        abortSignal,
      }),
    );
    if ((out.LaunchTemplates ?? []).length === 0) {
      return {
        ...b,
        verdict: 'not_ready',
        measured: text('not found'),
        reason: `${resource.id}: launch template ${templateId} not found in the recovery Region`,
      };
    }
    return {
      ...b,
      verdict: 'ready',
      measured: text('launch template present'),
      target: count(resource.desiredCapacity),
      reason: `${resource.id}: launch template ${templateId} present for ${resource.desiredCapacity} instance(s)`,
    };
  }
  const out = await awsCall(ctx, 'ec2:DescribeInstances', (abortSignal) =>
    ec2.ec2.send(new (sdk.ec2().DescribeInstancesCommand)(byInstanceIds(resource.standbyInstances)), {
      abortSignal,
    }),
  );
  const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  const seen = new Set(instances.map((i) => i.InstanceId));
  const missing = resource.standbyInstances.filter((id) => !seen.has(id));
  const gone = missing.length > 0 ? `; not found: ${missing.join(', ')}` : '';
  const usable = instances.filter((i) => USABLE_STATES.has(i.State?.Name ?? ''));
  const needed = Math.min(resource.desiredCapacity, resource.standbyInstances.length);
  const measured = count(usable.length);
  const target = count(needed);
  if (usable.length === 0) {
    return {
      ...b,
      verdict: 'not_ready',
      measured,
      target,
      reason: `${resource.id}: no usable standby instance (0 of ${resource.standbyInstances.length})${gone}`,
    };
  }
  if (usable.length < needed) {
    return {
      ...b,
      verdict: 'degraded',
      measured,
      target,
      reason: `${resource.id}: ${usable.length} of ${needed} standby instances usable${gone}`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured,
    target,
    reason: `${resource.id}: ${usable.length} standby instance(s) ready to serve`,
  };
}

/** Instances a failover launches: the desired capacity beyond the standbys it starts. */
const toLaunch = (resource: Ec2) =>
  Math.max(
    0,
    resource.desiredCapacity - Math.min(resource.standbyInstances.length, resource.desiredCapacity),
  );

/**
 * The plan's On-Demand Capacity Reservations in the recovery Region: only active ones count, with their
 * AvailableInstanceCount, against the instances a failover launches (DescribeCapacityReservations).
 */
async function reservations(resource: Ec2, ctx: CheckContext, ec2: RegionClients): Promise<Check> {
  const b = base(resource, 'capacity reservations');
  const ids = resource.capacityReservationIds;
  const out = await awsCall(ctx, 'ec2:DescribeCapacityReservations', (abortSignal) =>
    ec2.ec2.send(new (sdk.ec2().DescribeCapacityReservationsCommand)({ CapacityReservationIds: [...ids] }), {
      abortSignal,
    }),
  );
  const found = out.CapacityReservations ?? [];
  const active = found.filter((c) => c.State === 'active');
  const available = active.reduce((sum, c) => sum + (c.AvailableInstanceCount ?? 0), 0);
  const needed = toLaunch(resource);
  const inactive = found
    .filter((c) => c.State !== 'active')
    .map((c) => `${c.CapacityReservationId} ${c.State}`);
  const note = inactive.length > 0 ? `; not active: ${inactive.join(', ')}` : '';
  const numbers = `${available} instance(s) available in active reservations, ${needed} to launch`;
  const measured = count(available);
  const target = count(needed);
  if (available >= needed)
    return { ...b, verdict: 'ready', measured, target, reason: `${resource.id}: ${numbers}${note}` };
  return {
    ...b,
    verdict: available === 0 ? 'not_ready' : 'degraded',
    measured,
    target,
    reason: `${resource.id}: ${numbers}${note}`,
  };
}

/** "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances" (Service Quotas, ec2), in vCPUs. */
export const VCPU_QUOTA = 'L-1216C47A';
export const STANDARD = /^[acdhimrtz]/;

async function vcpusOf(ctx: CheckContext, ec2: RegionClients, types: string[]): Promise<Map<string, number>> {
  if (types.length === 0) return new Map();
  const out = await awsCall(ctx, 'ec2:DescribeInstanceTypes', (abortSignal) =>
    ec2.ec2.send(new (sdk.ec2().DescribeInstanceTypesCommand)({ InstanceTypes: types as never[] }), {
      abortSignal,
    }),
  );
  return new Map(
    (out.InstanceTypes ?? []).map((t) => [String(t.InstanceType), t.VCpuInfo?.DefaultVCpus ?? Number.NaN]),
  );
}

/** The instance type a failover launches: the plan's, or the recovery Region launch template version's. */
async function launchType(resource: Ec2, ctx: CheckContext, ec2: RegionClients): Promise<string | undefined> {
  if (resource.instanceType) return resource.instanceType;
  const lt = resource.launchTemplate;
  if (!lt) return undefined;
  const out = await awsCall(ctx, 'ec2:DescribeLaunchTemplateVersions', (abortSignal) =>
    ec2.ec2.send(
      new (sdk.ec2().DescribeLaunchTemplateVersionsCommand)({
        LaunchTemplateId: lt.id,
        Versions: [lt.version],
      }),
      { abortSignal },
    ),
  );
  return out.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType;
}

/**
 * The Region's standard On-Demand vCPU quota (GetServiceQuota), the vCPUs its running and pending standard
 * instances use, and the vCPUs of one instance of `type` (DescribeInstanceTypes). NaN: not measurable.
 */
export async function vcpuHeadroom(
  ctx: CheckContext,
  ec2: RegionClients,
  type: string,
): Promise<{ limit: number | undefined; used: number; per: number }> {
  const quota = await awsCall(ctx, 'servicequotas:GetServiceQuota', (abortSignal) =>
    ec2.serviceQuotas.send(
      new (sdk.serviceQuotas().GetServiceQuotaCommand)({ ServiceCode: 'ec2', QuotaCode: VCPU_QUOTA }),
      {
        abortSignal,
      },
    ),
  );
  const out = await awsCall(ctx, 'ec2:DescribeInstances', (abortSignal) =>
    ec2.ec2.send(
      new (sdk.ec2().DescribeInstancesCommand)({
        Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }],
      }),
      { abortSignal },
    ),
  );
  const live = (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i) => String(i.InstanceType ?? ''))
    .filter((t) => STANDARD.test(t));
  const vcpus = await vcpusOf(ctx, ec2, [...new Set([type, ...live])]);
  return {
    limit: quota.Quota?.Value,
    used: live.reduce((sum, t) => sum + (vcpus.get(t) ?? Number.NaN), 0),
    per: vcpus.get(type) ?? Number.NaN,
  };
}

/**
 * The standard On-Demand vCPU quota of the recovery Region (GetServiceQuota) against the vCPUs the
 * running and pending standard instances already use plus those the failover's launches need.
 */
async function vcpuQuota(resource: Ec2, ctx: CheckContext, ec2: RegionClients): Promise<Check> {
  const b = base(resource, 'vCPU quota');
  const type = await launchType(resource, ctx, ec2);
  if (!type)
    return { ...b, verdict: 'unknown', reason: `${resource.id}: the launch template names no instance type` };
  if (!STANDARD.test(type))
    return {
      ...b,
      verdict: 'unknown',
      reason: `${resource.id}: ${type} is not counted by ${VCPU_QUOTA}; its quota is not measured`,
    };
  const { limit, used, per } = await vcpuHeadroom(ctx, ec2, type);
  if (limit === undefined || Number.isNaN(per) || Number.isNaN(used))
    return {
      ...b,
      verdict: 'unknown',
      reason: `${resource.id}: vCPU quota or instance vCPUs not measurable`,
    };
  const needed = toLaunch(resource) * per;
  const available = Math.max(0, limit - used);
  const numbers = `${available} of ${limit} vCPUs free in the recovery Region (${used} in use), ${needed} needed for ${toLaunch(resource)} ${type}`;
  const measured = count(available);
  const target = count(needed);
  if (available >= needed)
    return { ...b, verdict: 'ready', measured, target, reason: `${resource.id}: ${numbers}` };
  return {
    ...b,
    verdict: available >= per ? 'degraded' : 'not_ready',
    measured,
    target,
    reason: `${resource.id}: ${numbers}`,
  };
}
