import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { sdk } from '../../adapters/aws/sdk.js';
import type { Facts, Observation, StepContext, StepExecutor } from '../../runbook/executors/types.js';
import type { PlannedCall, Precondition } from '../../runbook/types.js';
import {
  bounded,
  calledThisAttempt,
  describeGroup,
  groupNames,
  inService,
  OTHER_REGION_READ_MS,
  pinnedTarget,
  readsOther,
  recentActivities,
  stepRun,
  targetCapacity,
  UNPLANNED_MIN,
} from './groups.js';
import type { AutoscalingGroup, AutoscalingStep } from './schema.js';

type Ctx = StepContext<AutoscalingStep>;

const res = (ctx: Ctx) => ctx.resource as AutoscalingGroup;
const names = (ctx: Ctx) => groupNames(res(ctx), ctx.kind === 'failover');
const run = stepRun;
const called = calledThisAttempt;

/** The other Region's group's desired capacity, for a percentage target; undefined when it cannot be read. */
async function otherDesired(ctx: Ctx): Promise<{ desired?: number; problem?: string }> {
  try {
    const g = await describeGroup(
      bounded(run(ctx), OTHER_REGION_READ_MS),
      ctx.clients.forRegion(ctx.sourceRegion),
      names(ctx).source,
    );
    return g ? { desired: g.DesiredCapacity ?? 0 } : { problem: `${names(ctx).source} not found` };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

function facts(
  g: AutoScalingGroup,
  target: { capacity: number; basis: string },
  prior: string | null,
): Facts {
  return {
    wanted: target.capacity,
    basis: target.basis,
    desiredBefore: g.DesiredCapacity ?? 0,
    maxBefore: g.MaxSize ?? 0,
    minBefore: g.MinSize ?? 0,
    inService: inService(g),
    priorActivity: prior,
  };
}

async function observe(ctx: Ctx): Promise<Observation> {
  const { target } = names(ctx);
  const clients = ctx.clients.forRegion(ctx.targetRegion);
  const g = await describeGroup(run(ctx), clients, target);
  const exists: Precondition = {
    name: `Auto Scaling group ${target} in ${ctx.targetRegion}`,
    ok: g !== undefined,
    observed: g
      ? `desired ${g.DesiredCapacity}, min ${g.MinSize}, max ${g.MaxSize}, ${inService(g)} InService`
      : 'not found',
  };
  if (!g)
    return {
      state: 'failed',
      summary: `${target} not found in ${ctx.targetRegion}`,
      preconditions: [exists],
    };
  let wanted = pinnedTarget(ctx);
  if (!wanted) {
    const reads = readsOther(res(ctx).capacity, ctx.mode);
    const other = reads ? await otherDesired(ctx) : {};
    wanted = targetCapacity(res(ctx), other.desired, reads ? undefined : UNPLANNED_MIN);
    if (!wanted)
      return {
        state: 'failed',
        summary: `the target is ${res(ctx).capacity.percent}% of ${names(ctx).source} in ${ctx.sourceRegion}, which could not be read (${other.problem}); add capacity.min to the plan for this case, or retry when it answers`,
        preconditions: [exists],
      };
  }
  const serving = inService(g);
  const desired = g.DesiredCapacity ?? 0;
  const summary = `${target}: ${serving} of ${wanted.capacity} InService (desired ${desired}) in ${ctx.targetRegion}`;
  const recordedPrior = ctx.record?.observed?.priorActivity;
  if (serving >= wanted.capacity)
    return { state: 'done', summary, facts: facts(g, wanted, null), preconditions: [exists] };
  const activities = await recentActivities(run(ctx), clients, target);
  const prior =
    typeof recordedPrior === 'string' || recordedPrior === null
      ? recordedPrior
      : (activities[0]?.ActivityId ?? null);
  const f = facts(g, wanted, prior);
  if (!called(ctx) && desired < wanted.capacity)
    return { state: 'not-started', summary, facts: f, preconditions: [exists] };
  // Activities since the update, newest first: the group retries failed launches by itself, so only the
  // newest one counts. A failed one (e.g. InsufficientInstanceCapacity, VcpuLimitExceeded) pauses the runbook
  // with AWS's own words; a retry of the step looks again.
  const at = prior === null ? activities.length : activities.findIndex((a) => a.ActivityId === prior);
  const newest = (at < 0 ? activities : activities.slice(0, at))[0];
  if (newest?.StatusCode === 'Failed' || newest?.StatusCode === 'Cancelled')
    return {
      state: 'failed',
      summary: `${summary}; scaling activity ${newest.StatusCode}: ${newest.StatusMessage ?? newest.Description ?? 'no message'}`,
      facts: f,
      preconditions: [exists],
    };
  if (desired < wanted.capacity)
    return {
      state: 'failed',
      summary: `${summary}: desired capacity is ${desired}, below the ${wanted.capacity} Lifeboat set; something scaled it in (a scaling policy, a scheduled action or a person). Check, then retry the step`,
      facts: f,
      preconditions: [exists],
    };
  return { state: 'in-progress', summary, facts: f, preconditions: [exists] };
}

function update(ctx: Ctx, observation: Observation | undefined) {
  const o = observation?.facts;
  const wanted = typeof o?.wanted === 'number' ? o.wanted : undefined;
  const max = typeof o?.maxBefore === 'number' ? o.maxBefore : undefined;
  return {
    AutoScalingGroupName: names(ctx).target,
    DesiredCapacity: wanted,
    // DesiredCapacity must lie within MinSize and MaxSize (UpdateAutoScalingGroup API reference): a group kept
    // at max 0 (pilot light) has its MaxSize raised with it.
    ...(wanted !== undefined && max !== undefined && wanted > max ? { MaxSize: wanted } : {}),
  };
}

function calls(ctx: Ctx, observation: Observation | undefined): PlannedCall[] {
  const input = update(ctx, observation);
  return [
    {
      client: 'autoscaling',
      command: 'UpdateAutoScalingGroup',
      region: ctx.targetRegion,
      input: { ...input, DesiredCapacity: input.DesiredCapacity ?? '<target capacity>' },
      note: `then waits for the instances to be InService and Healthy; target ${observation?.facts?.basis ?? 'from the plan'}`,
    },
  ];
}

/**
 * Auto Scaling group: sets the target Region's group's desired capacity (raising MaxSize when needed) once per
 * intent, then waits until that many instances are InService and Healthy. UpdateAutoScalingGroup takes no
 * idempotency token; setting the same desired capacity again is harmless, and the step sends it only when
 * the group is below the target and no call of this attempt is recorded.
 */
export const autoscalingExecutor: StepExecutor<AutoscalingStep> = {
  defaultTimeoutMs: 20 * 60_000,
  describe(ctx) {
    const r = res(ctx);
    const target =
      r.capacity.desired !== undefined
        ? `${r.capacity.desired}`
        : `${r.capacity.percent}% of ${names(ctx).source}'s capacity`;
    return `Scale Auto Scaling group ${names(ctx).target} in ${ctx.targetRegion} to ${target} and wait for InService instances`;
  },
  irreversible: () => false,
  observe,
  calls,
  async start(ctx, observation) {
    const input = update(ctx, observation);
    if (input.DesiredCapacity === undefined) return {};
    const clients = ctx.clients.forRegion(ctx.targetRegion);
    await ctx.aws.call('autoscaling:UpdateAutoScalingGroup', (abortSignal) =>
      clients.autoScaling.send(new (sdk.autoScaling().UpdateAutoScalingGroupCommand)(input), { abortSignal }),
    );
    return {
      setDesired: input.DesiredCapacity,
      ...(input.MaxSize !== undefined ? { setMax: input.MaxSize } : {}),
    };
  },
};
