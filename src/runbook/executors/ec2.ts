import type { DescribeInstancesCommandInput, Instance, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { byInstanceIds } from '../../adapters/aws/ec2-ids.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf, Step } from '../../plan/schema.js';
import { launchSubnets } from '../../plan/schema-resources.js';
import type { PlannedCall, Precondition } from '../types.js';
import { failbackComputeGap } from './ec2-failback.js';
import { clientToken, launchInTurn, refusedList } from './ec2-launch.js';
import type { Facts, Observation, StepContext, StepExecutor } from './types.js';

type Ec2Step = Extract<Step, { kind: 'ec2' }>;
type Ctx = StepContext<Ec2Step>;

export const EXECUTION_TAG = 'lifeboat:execution';
export const STEP_TAG = 'lifeboat:step';
export const SERVICE_TAG = 'lifeboat:service';

const res = (ctx: Ctx) => ctx.resource as ResourceOf<'ec2'>;
/** The instances to start: the recovery Region's standbys (failover) or the primaries (failback). */
const startable = (ctx: Ctx) =>
  ctx.kind === 'failover' ? res(ctx).standbyInstances : res(ctx).primaryInstances;
/** The launch template of the Region launched in: the recovery Region's (failover) or the primary's (failback). */
const template = (ctx: Ctx) =>
  ctx.kind === 'failover' ? res(ctx).launchTemplate : res(ctx).primaryLaunchTemplate;

export { clientToken } from './ec2-launch.js';

const live = (i: Instance) => i.State?.Name === 'running' || i.State?.Name === 'pending';

async function describe(ctx: Ctx, input: DescribeInstancesCommandInput) {
  const ec2 = ctx.clients.forRegion(ctx.targetRegion).ec2;
  const out = await ctx.aws.call('ec2:DescribeInstances', (abortSignal) =>
    ec2.send(new (sdk.ec2().DescribeInstancesCommand)(input), { abortSignal }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/** Instances this execution's step launched (found by tag: check-before-act even where ClientToken is ignored). */
const launched = (ctx: Ctx) =>
  describe(ctx, {
    Filters: [
      { Name: `tag:${EXECUTION_TAG}`, Values: [ctx.executionId] },
      { Name: `tag:${STEP_TAG}`, Values: [ctx.step.id] },
      { Name: 'instance-state-name', Values: ['pending', 'running'] },
    ],
  });

async function newestCopy(ctx: Ctx): Promise<{ id: string; created?: string } | undefined> {
  const { key, value } = res(ctx).copyTag;
  const ec2 = ctx.clients.forRegion(ctx.targetRegion).ec2;
  const out = await ctx.aws.call('ec2:DescribeImages', (abortSignal) =>
    ec2.send(
      new (sdk.ec2().DescribeImagesCommand)({
        Owners: ['self'],
        Filters: [{ Name: `tag:${key}`, Values: [value] }],
      }),
      {
        abortSignal,
      },
    ),
  );
  const newest = (out.Images ?? [])
    .filter((i) => i.ImageId)
    .sort((a, b) => String(b.CreationDate ?? '').localeCompare(String(a.CreationDate ?? '')))[0];
  return newest?.ImageId ? { id: newest.ImageId, created: String(newest.CreationDate ?? '') } : undefined;
}

/** Failback: the primary Region's launch template, looked up there (the recovery Region's copies are not used). */
async function primaryTemplate(ctx: Ctx, id: string): Promise<Precondition> {
  const ec2 = ctx.clients.forRegion(ctx.targetRegion).ec2;
  const name = `launch template ${id} in ${ctx.targetRegion}`;
  try {
    const out = await ctx.aws.call('ec2:DescribeLaunchTemplates', (abortSignal) =>
      ec2.send(new (sdk.ec2().DescribeLaunchTemplatesCommand)({ LaunchTemplateIds: [id] }), { abortSignal }),
    );
    const found = out.LaunchTemplates?.[0];
    return { name, ok: found !== undefined, observed: found?.LaunchTemplateName ?? 'not found' };
  } catch (error) {
    if (error instanceof Error && /NotFound|Malformed/.test(error.message))
      return { name, ok: false, observed: 'not found' };
    throw error;
  }
}

/**
 * The subnets a launch of this step tries in turn (failover without a launch template: subnetId, then the
 * plan's `subnets`); empty when a launch template names where to launch.
 */
function subnetsOf(ctx: Ctx): string[] {
  const r = res(ctx);
  return ctx.kind === 'failover' && !template(ctx) ? launchSubnets(r) : [];
}

/**
 * What a launch of this step names besides the AMI and subnet: the launch template, or (failover, no template)
 * the plan's instance type and security groups, with at least one subnet. Undefined when it names neither:
 * RunInstances would then default to m1.small in the default VPC, or fail where there is none, so the step
 * does not launch.
 */
function launchParameters(ctx: Ctx): Partial<RunInstancesCommandInput> | undefined {
  const lt = template(ctx);
  if (lt) return { LaunchTemplate: { LaunchTemplateId: lt.id, Version: lt.version } };
  const r = res(ctx);
  if (ctx.kind === 'failover' && r.instanceType && subnetsOf(ctx).length > 0 && r.securityGroupIds)
    return {
      InstanceType: r.instanceType as RunInstancesCommandInput['InstanceType'],
      SecurityGroupIds: [...r.securityGroupIds],
    };
  return undefined;
}

function runInput(
  ctx: Ctx,
  count: number,
  imageId: string | undefined,
  subnetId?: string,
): RunInstancesCommandInput {
  return {
    ...launchParameters(ctx),
    ...(subnetId ? { SubnetId: subnetId } : {}),
    ...(imageId ? { ImageId: imageId } : {}),
    MinCount: count,
    MaxCount: count,
    ClientToken: clientToken(ctx.executionId, ctx.step.id, subnetId),
    TagSpecifications: [
      {
        ResourceType: 'instance',
        Tags: [
          { Key: EXECUTION_TAG, Value: ctx.executionId },
          { Key: STEP_TAG, Value: ctx.step.id },
          { Key: SERVICE_TAG, Value: ctx.service.name },
        ],
      },
    ],
  };
}

/** The launch a previous attempt of this step recorded (count and image), if any. */
function pinnedLaunch(ctx: Ctx): { count: number; image: string | null } | undefined {
  const recorded = ctx.record?.observed;
  if (typeof recorded?.launchCount !== 'number') return undefined;
  return { count: recorded.launchCount, image: typeof recorded.image === 'string' ? recorded.image : null };
}

async function observe(ctx: Ctx): Promise<Observation> {
  const r = res(ctx);
  const action = ctx.step.action;
  const gap = ctx.kind === 'failback' ? failbackComputeGap(r, action, ctx.targetRegion) : undefined;
  if (gap) return { state: 'failed', summary: `${gap.reason}. ${gap.fix}` };
  const ids = action === 'launch-from-ami' ? [] : startable(ctx);
  const own = ids.length > 0 ? await describe(ctx, byInstanceIds(ids)) : [];
  const ours = action === 'start-instances' ? [] : await launched(ctx);
  const lt = template(ctx);
  const params = launchParameters(ctx);
  const needLaunch = action === 'launch-from-ami' || (action === 'set-capacity' && params !== undefined);
  const failback = ctx.kind === 'failback';
  const image = needLaunch && !failback ? await newestCopy(ctx) : undefined;
  const ltCheck = needLaunch && failback && lt ? await primaryTemplate(ctx, lt.id) : undefined;
  const want = action === 'start-instances' ? ids.length : r.desiredCapacity;
  const running = [...own, ...ours].filter((i) => i.State?.Name === 'running').length;
  const pending = [...own, ...ours].filter((i) => i.State?.Name === 'pending').length;
  const stopping = own.filter((i) => i.State?.Name === 'stopping' || i.State?.Name === 'shutting-down');
  const stopped = own.filter((i) => i.State?.Name === 'stopped').length;
  const liveOwn = own.filter(live).length;
  const toStart = action === 'set-capacity' ? Math.min(stopped, Math.max(0, want - liveOwn)) : stopped;
  const pinned = pinnedLaunch(ctx);
  const facts: Facts = {
    running,
    pending,
    wanted: want,
    stopped,
    launched: ours.map((i) => i.InstanceId).join(','),
    launchedAz: [...new Set(ours.map((i) => i.Placement?.AvailabilityZone ?? ''))].filter(Boolean).join(','),
    // The first RunInstances input of this step, kept across retries and restarts: the same ClientToken with
    // other parameters is refused (IdempotentParameterMismatch), whatever has changed since.
    image: pinned ? pinned.image : (image?.id ?? null),
    launchCount: pinned
      ? pinned.count
      : action === 'start-instances'
        ? 0
        : Math.max(0, want - liveOwn - toStart - ours.length),
  };
  const summary = `${running} of ${want} running, ${pending} pending in ${ctx.targetRegion}`;
  const preconditions = [
    ...(ids.length > 0
      ? [
          {
            name: 'standby instances exist',
            ok: own.length === ids.length,
            observed: own.map((i) => `${i.InstanceId}: ${i.State?.Name}`).join(', ') || 'none found',
          },
        ]
      : []),
    ...(ltCheck ? [ltCheck] : []),
    ...(needLaunch && !failback
      ? [
          {
            name: 'copied AMI in the recovery Region',
            ok: image !== undefined,
            observed: image
              ? `${image.id} (${image.created})`
              : `no AMI tagged ${r.copyTag.key}=${r.copyTag.value}`,
          },
        ]
      : []),
  ];
  if (running >= want) return { state: 'done', summary, facts, preconditions };
  // Started by this attempt, then stopped by EC2 itself: Client.InternalError is what an instance whose
  // encrypted EBS volumes use a KMS key the caller cannot use shows (EC2 launch troubleshooting). Starting it
  // again would fail the same way: the step fails (the runbook pauses) with the reason.
  const refused =
    ctx.record?.state === 'intent' && ctx.record.calledAtMs !== undefined
      ? own.filter((i) => i.State?.Name === 'stopped' && i.StateReason?.Code === 'Client.InternalError')
      : [];
  if (refused.length > 0)
    return {
      state: 'failed',
      summary: `${refused.map((i) => i.InstanceId).join(', ')} stopped right after starting in ${ctx.targetRegion}: ${refused[0]?.StateReason?.Message ?? 'Client.InternalError'}. Their encrypted EBS volumes' KMS key is likely not usable by Lifeboat's role: list it in volumeKmsKeyArns of ${r.id} (and deploy the policy), check the key policy, then retry the step`,
      facts,
      preconditions,
    };
  if (running + pending >= want) return { state: 'in-progress', summary, facts, preconditions };
  if (ctx.record?.calledAtMs !== undefined && pending > 0)
    return { state: 'in-progress', summary, facts, preconditions };
  if (stopping.length > 0)
    return {
      state: 'blocked',
      summary: `${summary}; waiting for ${stopping.length} stopping`,
      facts,
      preconditions,
    };
  if (needLaunch && !params)
    return {
      state: 'failed',
      summary: `${r.id} names no launch template and no instanceType, subnetId and securityGroupIds for ${ctx.targetRegion}: RunInstances would launch m1.small in the default VPC, or fail where there is none. Add them to the DR plan`,
      facts,
      preconditions,
    };
  if (needLaunch && !image && !lt)
    return {
      state: 'failed',
      summary: `no launch template and no copied AMI in ${ctx.targetRegion}`,
      facts,
      preconditions,
    };
  if (ltCheck && !ltCheck.ok)
    return { state: 'failed', summary: `${ltCheck.name}: ${ltCheck.observed}`, facts, preconditions };
  return { state: 'not-started', summary, facts, preconditions };
}

function plan(ctx: Ctx, observation: Observation | undefined): PlannedCall[] {
  const r = res(ctx);
  const region = ctx.targetRegion;
  const calls: PlannedCall[] = [];
  const image = typeof observation?.facts?.image === 'string' ? observation.facts.image : undefined;
  if (ctx.step.action !== 'launch-from-ami') {
    const ids = startable(ctx);
    if (ids.length > 0)
      calls.push({
        client: 'ec2',
        command: 'StartInstances',
        region,
        input: { InstanceIds: ids },
        note: 'instances already running are left as they are',
      });
  }
  const already = ctx.step.action === 'set-capacity' ? Math.min(startable(ctx).length, r.desiredCapacity) : 0;
  const count = r.desiredCapacity - already;
  const [first, ...fallback] = subnetsOf(ctx);
  if (ctx.step.action !== 'start-instances' && count > 0 && launchParameters(ctx) && (template(ctx) || image))
    calls.push({
      client: 'ec2',
      command: 'RunInstances',
      region,
      input: { ...runInput(ctx, count, image, first) },
      ...(fallback.length > 0
        ? {
            note: `on InsufficientInstanceCapacity, then in ${fallback.join(', ')} in turn (another AZ each, own ClientToken)`,
          }
        : {}),
    });
  return calls;
}

/** ` (then subnet-b, subnet-c if EC2 has no capacity)`: the fallback subnets of a launch, for the dry run. */
function fallbackText(ctx: Ctx): string {
  const [first, ...fallback] = subnetsOf(ctx);
  return first && fallback.length > 0
    ? ` in ${first}, then ${fallback.join(', ')} in turn if EC2 has no capacity there`
    : '';
}

export const ec2Executor: StepExecutor<Ec2Step> = {
  defaultTimeoutMs: 15 * 60_000,
  describe(ctx) {
    const r = res(ctx);
    const lt = template(ctx);
    if (ctx.kind === 'failback' && failbackComputeGap(r, ctx.step.action, ctx.targetRegion))
      return `Bring ${r.id} up in ${ctx.targetRegion} (${ctx.step.action}): not possible, the plan names nothing of it there`;
    if (ctx.step.action === 'start-instances')
      return `Start ${startable(ctx).join(', ')} in ${ctx.targetRegion}`;
    if (ctx.step.action === 'launch-from-ami')
      return `Launch ${r.desiredCapacity} instance(s) of ${r.id} in ${ctx.targetRegion} from ${lt ? `launch template ${lt.id}` : 'the newest copied AMI'}${fallbackText(ctx)}`;
    return `Bring ${r.id} to ${r.desiredCapacity} running instance(s) in ${ctx.targetRegion} (standbys first, then launches)${fallbackText(ctx)}`;
  },
  irreversible: () => false,
  observe,
  calls: plan,
  async start(ctx, observation) {
    const ec2 = ctx.clients.forRegion(ctx.targetRegion).ec2;
    const facts: Record<string, string | number> = {};
    const own =
      ctx.step.action === 'launch-from-ami' ? [] : await describe(ctx, byInstanceIds(startable(ctx)));
    const stopped = own.filter((i) => i.State?.Name === 'stopped').map((i) => i.InstanceId ?? '');
    const live0 = own.filter(live).length;
    const r = res(ctx);
    const toStart =
      ctx.step.action === 'set-capacity' ? stopped.slice(0, Math.max(0, r.desiredCapacity - live0)) : stopped;
    if (toStart.length > 0) {
      await ctx.aws.call('ec2:StartInstances', (abortSignal) =>
        ec2.send(new (sdk.ec2().StartInstancesCommand)({ InstanceIds: toStart }), { abortSignal }),
      );
      facts.started = toStart.join(',');
    }
    if (ctx.step.action === 'start-instances') return facts;
    const ours = (await launched(ctx)).length;
    const first = pinnedLaunch(ctx);
    const count = first ? (ours > 0 ? 0 : first.count) : r.desiredCapacity - live0 - toStart.length - ours;
    if (count > 0 && launchParameters(ctx)) {
      const seen = first ? first.image : observation.facts?.image;
      const image = typeof seen === 'string' ? seen : undefined;
      // One intent per subnet, each with its own ClientToken; `launched` above (by tag) found none of this
      // step's instances, whichever subnet an earlier attempt used, so none is launched twice.
      const { out, subnetId, refusals } = await launchInTurn(subnetsOf(ctx), (subnet) =>
        ctx.aws.call('ec2:RunInstances', (abortSignal) =>
          ec2.send(new (sdk.ec2().RunInstancesCommand)(runInput(ctx, count, image, subnet)), { abortSignal }),
        ),
      );
      facts.launched = (out?.Instances ?? []).map((i) => i.InstanceId).join(',');
      const zones = [...new Set((out?.Instances ?? []).map((i) => i.Placement?.AvailabilityZone ?? ''))];
      if (zones.some(Boolean)) facts.launchedAz = zones.filter(Boolean).join(',');
      if (subnetId) facts.launchedSubnet = subnetId;
      if (refusals.length > 0) facts.refusedAzs = refusedList(refusals);
    }
    return facts;
  },
};
