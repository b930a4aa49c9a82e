import type { Service } from '@aws-sdk/client-ecs';
import { sdk } from '../../adapters/aws/sdk.js';
import type { Facts, Observation, StepContext, StepExecutor } from '../../runbook/executors/types.js';
import type { PlannedCall, Precondition } from '../../runbook/types.js';
import {
  bounded,
  calledThisAttempt,
  OTHER_REGION_READ_MS,
  pinnedTarget,
  readsOther,
  stepRun,
  targetCapacity,
  UNPLANNED_MIN,
} from '../autoscaling/groups.js';
import { type EcsService, type EcsStep, ecsNames } from './schema.js';
import { describeService, PLACEMENT_FAILURE } from './services.js';

type Ctx = StepContext<EcsStep>;

const res = (ctx: Ctx) => ctx.resource as EcsService;
const names = (ctx: Ctx) => ecsNames(res(ctx), ctx.kind === 'failover');
const run = stepRun;
const called = calledThisAttempt;
const label = (w: { cluster: string; service: string }) => `${w.cluster}/${w.service}`;

async function otherDesired(ctx: Ctx): Promise<{ desired?: number; problem?: string }> {
  try {
    const s = await describeService(
      bounded(run(ctx), OTHER_REGION_READ_MS),
      ctx.clients.forRegion(ctx.sourceRegion),
      names(ctx).source,
    );
    return s && s.status === 'ACTIVE'
      ? { desired: s.desiredCount ?? 0 }
      : { problem: `${label(names(ctx).source)} ${s?.status ?? 'not found'}` };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/** The newest failure among the service's events since `prior` (events are listed newest first), if any. */
function failureSince(s: Service, prior: string | null): string | undefined {
  const events = s.events ?? [];
  const at = prior === null ? events.length : events.findIndex((e) => e.id === prior);
  const since = at < 0 ? events : events.slice(0, at);
  const primary = (s.deployments ?? []).find((d) => d.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') return `deployment FAILED: ${primary.rolloutStateReason ?? ''}`;
  const newest = since[0];
  return newest?.message && PLACEMENT_FAILURE.test(newest.message) ? newest.message : undefined;
}

async function observe(ctx: Ctx): Promise<Observation> {
  const { target } = names(ctx);
  const s = await describeService(run(ctx), ctx.clients.forRegion(ctx.targetRegion), target);
  const exists: Precondition = {
    name: `ECS service ${label(target)} in ${ctx.targetRegion}`,
    ok: s?.status === 'ACTIVE',
    observed: s
      ? `${s.status}, desired ${s.desiredCount}, running ${s.runningCount}, pending ${s.pendingCount}`
      : 'not found',
  };
  if (s?.status !== 'ACTIVE')
    return {
      state: 'failed',
      summary: `${label(target)} is ${s?.status ?? 'not found'} in ${ctx.targetRegion}`,
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
        summary: `the target is ${res(ctx).capacity.percent}% of ${label(names(ctx).source)} in ${ctx.sourceRegion}, which could not be read (${other.problem}); add capacity.min to the plan for this case, or retry when it answers`,
        preconditions: [exists],
      };
  }
  const desired = s.desiredCount ?? 0;
  const running = s.runningCount ?? 0;
  const deployments = s.deployments ?? [];
  const steady = deployments.length === 1 && (s.pendingCount ?? 0) === 0;
  const summary = `${label(target)}: ${running} of ${wanted.capacity} tasks running (desired ${desired}, pending ${s.pendingCount ?? 0}) in ${ctx.targetRegion}`;
  const recordedPrior = ctx.record?.observed?.priorEvent;
  const prior =
    typeof recordedPrior === 'string' || recordedPrior === null ? recordedPrior : (s.events?.[0]?.id ?? null);
  const facts: Facts = {
    wanted: wanted.capacity,
    basis: wanted.basis,
    desiredBefore: desired,
    running,
    priorEvent: prior,
  };
  if (running >= wanted.capacity && desired >= wanted.capacity && steady)
    return { state: 'done', summary: `${summary}, steady state`, facts, preconditions: [exists] };
  if (!called(ctx) && desired < wanted.capacity)
    return { state: 'not-started', summary, facts, preconditions: [exists] };
  const failure = failureSince(s, prior);
  if (failure) return { state: 'failed', summary: `${summary}; ${failure}`, facts, preconditions: [exists] };
  if (desired < wanted.capacity)
    return {
      state: 'failed',
      summary: `${summary}: desired count is ${desired}, below the ${wanted.capacity} Lifeboat set; something scaled it in (Service Auto Scaling or a person). Check, then retry the step`,
      facts,
      preconditions: [exists],
    };
  return { state: 'in-progress', summary, facts, preconditions: [exists] };
}

function input(ctx: Ctx, observation: Observation | undefined) {
  const wanted = observation?.facts?.wanted;
  return {
    cluster: names(ctx).target.cluster,
    service: names(ctx).target.service,
    desiredCount: typeof wanted === 'number' ? wanted : undefined,
  };
}

/**
 * ECS service: sets the target Region's service's desired count once per intent (UpdateService has no
 * idempotency token; the same count again is harmless), then waits for that many running tasks in a steady
 * state (one deployment, nothing pending). Tasks that cannot be placed or started (a service event saying so,
 * or a deployment the circuit breaker FAILED) pause the step with ECS's own words.
 */
export const ecsExecutor: StepExecutor<EcsStep> = {
  defaultTimeoutMs: 20 * 60_000,
  describe(ctx) {
    const c = res(ctx).capacity;
    const target =
      c.desired !== undefined
        ? `${c.desired}`
        : `${c.percent}% of ${label(names(ctx).source)}'s desired count`;
    return `Scale ECS service ${label(names(ctx).target)} in ${ctx.targetRegion} to ${target} tasks and wait for a steady state`;
  },
  irreversible: () => false,
  observe,
  calls(ctx, observation): PlannedCall[] {
    const i = input(ctx, observation);
    return [
      {
        client: 'ecs',
        command: 'UpdateService',
        region: ctx.targetRegion,
        input: { ...i, desiredCount: i.desiredCount ?? '<target count>' },
        note: `then waits for the tasks to run in a steady state; target ${observation?.facts?.basis ?? 'from the plan'}`,
      },
    ];
  },
  async start(ctx, observation): Promise<Facts> {
    const { desiredCount, ...where } = input(ctx, observation);
    if (desiredCount === undefined) return {};
    const clients = ctx.clients.forRegion(ctx.targetRegion);
    await ctx.aws.call('ecs:UpdateService', (abortSignal) =>
      clients.ecs.send(new (sdk.ecs().UpdateServiceCommand)({ ...where, desiredCount }), { abortSignal }),
    );
    return { setDesired: desiredCount };
  },
};
