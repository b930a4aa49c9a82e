import type { Instance } from '@aws-sdk/client-ec2';
import { byInstanceIds } from '../../adapters/aws/ec2-ids.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { Step } from '../../plan/schema.js';
import type { Facts, Observation, StepContext, StepExecutor } from './types.js';

type Ec2Step = Extract<Step, { kind: 'ec2' }>;
type Ctx = StepContext<Ec2Step>;

/** Where the failover brought compute up: the failback's source Region. */
const recoveryRegion = (ctx: Ctx) => ctx.sourceRegion;
const ids = (value: unknown) =>
  typeof value === 'string' ? value.split(',').filter((id) => id.length > 0) : [];
const named = (list: readonly Instance[]) => list.map((i) => i.InstanceId ?? '').filter(Boolean);

/**
 * The instances the failover itself brought up in the recovery Region, as its ec2 step for the same resource
 * recorded them: standbys it started (`started`) and instances it launched (`launched`, found by the
 * execution's tags). Undefined when there is no such record (no completed failover on record, or it had no
 * ec2 step for this resource): then nothing is stopped.
 */
function startedByFailover(ctx: Ctx): string[] | undefined {
  if (!ctx.origin) return undefined;
  return [...new Set([...ids(ctx.origin.started), ...ids(ctx.origin.launched)])];
}

async function describe(ctx: Ctx, instanceIds: readonly string[]): Promise<Instance[]> {
  const ec2 = ctx.clients.forRegion(recoveryRegion(ctx)).ec2;
  const out = await ctx.aws.call('ec2:DescribeInstances', (abortSignal) =>
    ec2.send(new (sdk.ec2().DescribeInstancesCommand)(byInstanceIds(instanceIds)), {
      abortSignal,
    }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/**
 * ec2 `stop-recovery` (failback only, opt-in in `runbook.failback`): StopInstances on exactly the instances the
 * failover started or launched in the recovery Region, once traffic is home. Stopped, never terminated: their
 * volumes stay and StartInstances brings them back. Instances already stopped or gone count as done; pending
 * ones are waited for (EC2 refuses to stop them); instance-store-backed ones cannot be stopped and fail the
 * step with what to do instead.
 */
export const ec2StopExecutor: StepExecutor<Ec2Step> = {
  defaultTimeoutMs: 15 * 60_000,
  region: recoveryRegion,
  describe(ctx) {
    const targets = startedByFailover(ctx);
    const what = targets?.length ? targets.join(', ') : 'the instances';
    return `Stop ${what} of ${ctx.step.resource} in ${recoveryRegion(ctx)}, started by the failover (stopped, not terminated: StartInstances brings them back)`;
  },
  irreversible: () => false,
  async observe(ctx): Promise<Observation> {
    const region = recoveryRegion(ctx);
    if (ctx.kind !== 'failback')
      return {
        state: 'failed',
        summary: 'stop-recovery is a failback step: it stops what a failover started',
      };
    const targets = startedByFailover(ctx);
    if (!targets)
      return {
        state: 'failed',
        summary: `no record of what the failover started for ${ctx.step.resource} in ${region} (no completed failover on record, or it had no ec2 step for it): stop those instances by hand, then Skip`,
      };
    if (targets.length === 0)
      return {
        state: 'done',
        summary: `the failover started no instance of ${ctx.step.resource} in ${region}`,
      };
    const found = await describe(ctx, targets);
    const inState = (...states: string[]) => found.filter((i) => states.includes(i.State?.Name ?? ''));
    const running = inState('running');
    const pending = inState('pending');
    const stopping = inState('stopping');
    const facts = { targets: targets.join(','), running: named(running).join(','), pending: pending.length };
    const summary = `${targets.length - running.length - pending.length - stopping.length} of ${targets.length} stopped or gone in ${region}${running.length ? `; running: ${named(running).join(', ')}` : ''}`;
    const preconditions = [
      { name: 'instances the failover started', ok: true, observed: targets.join(', ') },
    ];
    const storeBacked = running.filter((i) => i.RootDeviceType === 'instance-store');
    if (storeBacked.length > 0)
      return {
        state: 'failed',
        summary: `${named(storeBacked).join(', ')} in ${region} have an instance-store root and cannot be stopped: terminate them by hand if they must go, then Skip`,
        facts,
        preconditions,
      };
    if (running.length + pending.length === 0)
      return { state: stopping.length > 0 ? 'in-progress' : 'done', summary, facts, preconditions };
    if (pending.length > 0)
      return {
        state: 'blocked',
        summary: `${summary}; waiting for ${pending.length} pending`,
        facts,
        preconditions,
      };
    // Called already: EC2 may still list them as running for a moment.
    if (ctx.record?.calledAtMs !== undefined) return { state: 'in-progress', summary, facts, preconditions };
    return { state: 'not-started', summary, facts, preconditions };
  },
  calls(ctx, observation) {
    const running = ids(observation?.facts?.running);
    return [
      {
        client: 'ec2',
        command: 'StopInstances',
        region: recoveryRegion(ctx),
        input: {
          InstanceIds: running.length > 0 ? running : ['<the running instances the failover started>'],
        },
      },
    ];
  },
  async start(ctx, observation): Promise<Facts> {
    const running = ids(observation.facts?.running);
    if (running.length === 0) return {};
    const ec2 = ctx.clients.forRegion(recoveryRegion(ctx)).ec2;
    await ctx.aws.call('ec2:StopInstances', (abortSignal) =>
      ec2.send(new (sdk.ec2().StopInstancesCommand)({ InstanceIds: running }), { abortSignal }),
    );
    return { stopped: running.join(',') };
  },
};

/** The ec2 step executor: `stop-recovery` stops what the failover started; the other actions bring compute up. */
export function withStopRecovery(up: StepExecutor<Ec2Step>): StepExecutor<Ec2Step> {
  const pick = (ctx: Ctx) => (ctx.step.action === 'stop-recovery' ? ec2StopExecutor : up);
  return {
    defaultTimeoutMs: up.defaultTimeoutMs,
    describe: (ctx) => pick(ctx).describe(ctx),
    irreversible: (ctx) => pick(ctx).irreversible(ctx),
    region: (ctx) => pick(ctx).region?.(ctx) ?? ctx.targetRegion,
    observe: (ctx) => pick(ctx).observe(ctx),
    calls: (ctx, observation) => pick(ctx).calls(ctx, observation),
    start: (ctx, observation) => pick(ctx).start(ctx, observation),
  };
}
