import type { DBInstance } from '@aws-sdk/client-rds';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf, Step } from '../../plan/schema.js';
import { replicatesFrom } from '../../readiness/aws/rds.js';
import type { Precondition } from '../types.js';
import type { Observation, StepContext, StepExecutor } from './types.js';

type PromoteStep = Extract<Step, { kind: 'rds-promote-replica' }>;
type Ctx = StepContext<PromoteStep>;

const replicaOf = (ctx: Ctx) => (ctx.resource as ResourceOf<'rds-instance'>).replicaInstance;
const regionOfArn = (arn: string) => arn.split(':')[3];
const recordedFailbackReplica = (ctx: Ctx) => {
  const id = ctx.record?.observed?.failbackReplica;
  return typeof id === 'string' ? id : undefined;
};

async function describe(ctx: Ctx, region: string, id: string) {
  const rds = ctx.clients.forRegion(region).rds;
  try {
    const out = await ctx.aws.call('rds:DescribeDBInstances', (abortSignal) =>
      rds.send(new (sdk.rds().DescribeDBInstancesCommand)({ DBInstanceIdentifier: id }), { abortSignal }),
    );
    return out.DBInstances?.[0];
  } catch (error) {
    if (error instanceof Error && /NotFound/.test(`${error.name} ${error.message}`)) return undefined;
    throw error;
  }
}

/**
 * The instance to promote. Failover: the plan's cross-Region replica. Failback: the read replica of the
 * promoted instance in the primary Region (what the failback check found and its setup step created),
 * recorded with the intent so a restart promotes the same one even once it no longer is a replica.
 */
async function promotee(ctx: Ctx): Promise<{ id: string } | { error: string }> {
  if (ctx.kind === 'failover') return { id: replicaOf(ctx) };
  const recorded = recordedFailbackReplica(ctx);
  if (recorded) return { id: recorded };
  const promoted = await describe(ctx, ctx.sourceRegion, replicaOf(ctx));
  if (!promoted) return { error: `${replicaOf(ctx)} not found in ${ctx.sourceRegion}` };
  const back = (promoted.ReadReplicaDBInstanceIdentifiers ?? []).find(
    (ref) => (ref.startsWith('arn:') ? regionOfArn(ref) : ctx.sourceRegion) === ctx.targetRegion,
  );
  if (!back)
    return {
      error: `${replicaOf(ctx)} has no read replica in ${ctx.targetRegion}: set up replication back first (/dr failback ${ctx.service.name})`,
    };
  return { id: back.split(':').pop() ?? back };
}

/**
 * Failback: the promoted instance is the writer from then on. Under the plan's `primaryInstance` identifier
 * the plan and the applications' endpoint stay right, and it is the only instance there the IAM policy
 * (derived from the plan) lets Lifeboat promote; under another one the failback check blocks, and the
 * dry-run (the request modal) says what to change.
 */
function keepsPlanIdentifier(ctx: Ctx, id: string): Precondition {
  const primary = (ctx.resource as ResourceOf<'rds-instance'>).primaryInstance;
  return {
    name: `named ${primary} (the plan's primaryInstance)`,
    ok: id === primary,
    observed:
      id === primary
        ? `${id} becomes the writer under the plan's identifier`
        : `${id} is not the plan's primaryInstance, the only instance Lifeboat may promote in ${ctx.targetRegion}: set primaryInstance: ${id} in the DR plan and deploy it before the failback, and point applications at its endpoint after it`,
  };
}

/** This execution asked RDS to promote the instance: the intent is recorded, or the call returned. */
const promotedHere = (ctx: Ctx) => ctx.record?.state === 'intent' || ctx.record?.calledAtMs !== undefined;

type SourceVerdict =
  | { readonly verdict: 'replica' }
  | {
      readonly verdict: 'refused' | 'accepted';
      readonly summary: string;
      readonly precondition: Precondition;
    };

/**
 * Failover: only a read replica of the plan's primary has its writes. A recovery instance that was standalone
 * before this execution asked for its promotion (left so by a failback, or promoted outside this failover)
 * stopped receiving them then: counting it as promoted would serve stale data. Refused, unless the step
 * accepts it (`acceptStandalone`, part of the plan the approvers approved). A replica of another source is
 * always refused.
 */
function failoverSource(ctx: Ctx, db: DBInstance, where: string): SourceVerdict {
  const primary = (ctx.resource as ResourceOf<'rds-instance'>).primaryInstance;
  const id = replicaOf(ctx);
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  if (replicatesFrom(db, primary) || (!source && promotedHere(ctx))) return { verdict: 'replica' };
  const precondition = { name: `read replica of ${primary}`, ok: false, observed: where };
  if (source)
    return {
      verdict: 'refused',
      precondition,
      summary: `${id} replicates ${source}, not ${primary}: promoting it would serve another database's data, so the failover refuses it`,
    };
  if (ctx.step.acceptStandalone)
    return {
      verdict: 'accepted',
      precondition: {
        ...precondition,
        observed: `${where}; accepted by step ${ctx.step.id} (acceptStandalone: true in the plan): counted as promoted with the data it has, without the writes made since it stopped replicating`,
      },
      summary: `${id} was already standalone, not a read replica of ${primary}: counted as promoted as it is, because step ${ctx.step.id} accepts it (acceptStandalone)`,
    };
  return {
    verdict: 'refused',
    precondition,
    summary: `${id} in ${ctx.targetRegion} is already standalone, not a read replica of ${primary}: it stopped receiving ${primary}'s writes before this failover (after a failback, or a promotion outside it), so counting it as promoted would serve stale data. Make it a read replica of ${primary} again (/dr failback ${ctx.service.name} shows the command), or accept it as it is with acceptStandalone: true on step ${ctx.step.id}`,
  };
}

/**
 * PromoteReadReplica: irreversible (it stops replicating and reboots), refused by RDS while the replica is
 * backing up, so the step waits for `available` first. Failover promotes the plan's replica in the recovery
 * Region; failback promotes the new replica back in the primary Region (see `promotee`).
 */
export const rdsPromoteExecutor: StepExecutor<PromoteStep> = {
  defaultTimeoutMs: 45 * 60_000,
  describe: (ctx) =>
    ctx.kind === 'failover'
      ? `Promote read replica ${replicaOf(ctx)} in ${ctx.targetRegion} to a standalone primary (irreversible; it reboots)`
      : `Promote ${recordedFailbackReplica(ctx) ?? `the read replica of ${replicaOf(ctx)}`} in ${ctx.targetRegion} (found by the failback check) to a standalone primary (irreversible; it reboots, and ${replicaOf(ctx)} stops being its source)`,
  irreversible: () => true,
  async observe(ctx): Promise<Observation> {
    const target = await promotee(ctx);
    if ('error' in target) return { state: 'failed', summary: target.error };
    const id = target.id;
    const db = await describe(ctx, ctx.targetRegion, id);
    if (!db) return { state: 'failed', summary: `DB instance ${id} not found in ${ctx.targetRegion}` };
    const status = db.DBInstanceStatus ?? 'unknown';
    const replica = Boolean(db.ReadReplicaSourceDBInstanceIdentifier);
    const facts = { status, replica, ...(ctx.kind === 'failback' ? { failbackReplica: id } : {}) };
    const where = `${id} is ${status}${replica ? `, replicating from ${db.ReadReplicaSourceDBInstanceIdentifier}` : ', standalone'}`;
    const preconditions = [
      { name: 'replica available (not backing up)', ok: status === 'available', observed: where },
      ...(ctx.kind === 'failback' ? [keepsPlanIdentifier(ctx, id)] : []),
    ];
    const source = ctx.kind === 'failover' ? failoverSource(ctx, db, where) : { verdict: 'replica' as const };
    if (source.verdict === 'refused')
      return { state: 'failed', summary: source.summary, facts, preconditions: [source.precondition] };
    if (source.verdict === 'accepted')
      return {
        state: status === 'available' ? 'done' : 'in-progress',
        summary: source.summary,
        facts: { ...facts, acceptedStandalone: true },
        preconditions: [source.precondition],
      };
    if (!replica)
      return status === 'available'
        ? { state: 'done', summary: `${id} is promoted and available`, facts, preconditions }
        : { state: 'in-progress', summary: `${where} (promotion finishing)`, facts, preconditions };
    // We asked already (intent recorded): a replica modifying or rebooting is our promotion under way.
    if (ctx.record?.state === 'intent' && /modifying|rebooting/.test(status))
      return { state: 'in-progress', summary: `promoting: ${where}`, facts, preconditions };
    if (status !== 'available')
      return { state: 'blocked', summary: `waiting for ${where} to be available`, facts, preconditions };
    return { state: 'not-started', summary: where, facts, preconditions };
  },
  calls: (ctx, observation) => {
    const found = observation?.facts?.failbackReplica;
    const id =
      ctx.kind === 'failover'
        ? replicaOf(ctx)
        : typeof found === 'string'
          ? found
          : `<the read replica of ${replicaOf(ctx)} in ${ctx.targetRegion}>`;
    return [
      {
        client: 'rds',
        command: 'PromoteReadReplica',
        region: ctx.targetRegion,
        input: { DBInstanceIdentifier: id },
      },
    ];
  },
  async start(ctx, observation) {
    const found = observation.facts?.failbackReplica;
    const id = ctx.kind === 'failover' ? replicaOf(ctx) : typeof found === 'string' ? found : undefined;
    if (!id) throw new Error(`no read replica of ${replicaOf(ctx)} found in ${ctx.targetRegion}`);
    const rds = ctx.clients.forRegion(ctx.targetRegion).rds;
    const out = await ctx.aws.call('rds:PromoteReadReplica', (abortSignal) =>
      rds.send(new (sdk.rds().PromoteReadReplicaCommand)({ DBInstanceIdentifier: id }), { abortSignal }),
    );
    return { calledStatus: out?.DBInstance?.DBInstanceStatus ?? null };
  },
};
