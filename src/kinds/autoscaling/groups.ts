import type { Activity, AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { RegionClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import { withTimeout } from '../../readiness/errors.js';
import type { StepContext } from '../../runbook/executors/types.js';
import type { AutoscalingGroup, Capacity } from './schema.js';

/** Runs one call with an abort signal (the readiness engine's or a runbook step's caller provides it). */
export type Run = <T>(action: string, call: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The group by name, or undefined: DescribeAutoScalingGroups answers an empty list for a name that does not
 * exist rather than an error (DescribeAutoScalingGroups API reference).
 */
export async function describeGroup(
  run: Run,
  clients: RegionClients,
  name: string,
): Promise<AutoScalingGroup | undefined> {
  const out = await run('autoscaling:DescribeAutoScalingGroups', (abortSignal) =>
    clients.autoScaling.send(
      new (sdk.autoScaling().DescribeAutoScalingGroupsCommand)({ AutoScalingGroupNames: [name] }),
      {
        abortSignal,
      },
    ),
  );
  return out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
}

/** The group's newest scaling activities, newest first (DescribeScalingActivities orders them so). */
export async function recentActivities(run: Run, clients: RegionClients, name: string): Promise<Activity[]> {
  const out = await run('autoscaling:DescribeScalingActivities', (abortSignal) =>
    clients.autoScaling.send(
      new (sdk.autoScaling().DescribeScalingActivitiesCommand)({
        AutoScalingGroupName: name,
        MaxRecords: 20,
      }),
      { abortSignal },
    ),
  );
  return out.Activities ?? [];
}

/**
 * How long a step waits for the other Region's capacity (a percentage target) before it falls back to the
 * plan's `min`: that Region is often the impaired one, whose calls time out and are retried by the SDK.
 */
export const OTHER_REGION_READ_MS = 3_000;

/** `run` with a shorter budget of its own: the call is abandoned (and its signal aborted) after `ms`. */
export const bounded =
  (run: Run, ms: number): Run =>
  (action, call) =>
    run(action, (signal) => withTimeout((own) => call(AbortSignal.any([signal, own])), ms));

/**
 * Whether the step reads the other Region's capacity: a percentage target does, except in an unplanned
 * failover or failback with a `min`, which takes the min without reading the Region it leaves (presumed
 * impaired: its calls would time out, delaying the dry run and the step).
 */
export const readsOther = (c: Capacity, mode: string): boolean =>
  c.percent !== undefined && !(mode === 'unplanned' && c.min !== undefined);
export const UNPLANNED_MIN = 'unplanned: the Region left is not read';

/** Instances serving: lifecycle state InService and health status Healthy. */
export const inService = (g: AutoScalingGroup): number =>
  (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy').length;

/**
 * The capacity to scale the target Region's group to: the plan's `desired`, or `percent` of the other Region's
 * group's desired capacity (rounded up), at least `min`. Without the other group's figure (its Region cannot be
 * read) a percentage falls back to `min`; undefined when the plan gives none.
 */
export function targetCapacity(
  r: { readonly capacity: Capacity },
  otherDesired: number | undefined,
  why = "the other Region's capacity could not be read",
): { capacity: number; basis: string } | undefined {
  const { desired, percent, min } = r.capacity;
  if (desired !== undefined) return { capacity: desired, basis: `${desired} (absolute)` };
  if (percent === undefined) return undefined;
  if (otherDesired === undefined)
    return min === undefined ? undefined : { capacity: min, basis: `${min} (min: ${why})` };
  const scaled = Math.ceil((otherDesired * percent) / 100);
  const capacity = Math.max(scaled, min ?? 0);
  return {
    capacity,
    basis: `${capacity} (${percent}% of ${otherDesired}${capacity > scaled ? `, min ${min}` : ''})`,
  };
}

/** The group names in the Region a step acts in (target) and the one it comes from (source). */
export function groupNames(r: AutoscalingGroup, toRecovery: boolean): { target: string; source: string } {
  return toRecovery
    ? { target: r.recoveryGroupName, source: r.primaryGroupName }
    : { target: r.primaryGroupName, source: r.recoveryGroupName };
}

/** The step's AWS caller as a `Run` (the readers above take one). */
export const stepRun =
  (ctx: Pick<StepContext, 'aws'>): Run =>
  (action, call) =>
    ctx.aws.call(action, call);

/** The scaling call was sent by this attempt (its intent and the call's return are recorded). */
export const calledThisAttempt = (ctx: Pick<StepContext, 'record'>): boolean =>
  ctx.record?.state === 'intent' && ctx.record.calledAtMs !== undefined;

/** The target the step pinned on its first attempt: retries and restarts keep it whatever changed since. */
export function pinnedTarget(
  ctx: Pick<StepContext, 'record'>,
): { capacity: number; basis: string } | undefined {
  const o = ctx.record?.observed;
  return typeof o?.wanted === 'number'
    ? { capacity: o.wanted, basis: typeof o.basis === 'string' ? o.basis : String(o.wanted) }
    : undefined;
}
