import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import type { ResourceOf, Step } from '../../plan/schema.js';
import type { Observation, StepContext, StepExecutor } from './types.js';

type PromoteStep = Extract<Step, { kind: 'rds-promote-replica' }>;
type Ctx = StepContext<PromoteStep>;

const replicaOf = (ctx: Ctx) => (ctx.resource as ResourceOf<'rds-instance'>).replicaInstance;

/**
 * PromoteReadReplica on the cross-Region replica: irreversible (it stops replicating and reboots),
 * refused by RDS while the replica is backing up, so the step waits for `available` first.
 */
export const rdsPromoteExecutor: StepExecutor<PromoteStep> = {
  defaultTimeoutMs: 45 * 60_000,
  describe: (ctx) =>
    `Promote read replica ${replicaOf(ctx)} in ${ctx.targetRegion} to a standalone primary (irreversible; it reboots)`,
  irreversible: () => true,
  async observe(ctx): Promise<Observation> {
    const id = replicaOf(ctx);
    if (ctx.kind !== 'failover')
      return {
        state: 'failed',
        summary: `failing back ${id} needs a new cross-Region replica of it first; not automated`,
      };
    const rds = ctx.clients.forRegion(ctx.targetRegion).rds;
    const out = await ctx.aws.call('rds:DescribeDBInstances', (abortSignal) =>
      rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal }),
    );
    const db = out.DBInstances?.[0];
    if (!db) return { state: 'failed', summary: `DB instance ${id} not found in ${ctx.targetRegion}` };
    const status = db.DBInstanceStatus ?? 'unknown';
    const replica = Boolean(db.ReadReplicaSourceDBInstanceIdentifier);
    const facts = { status, replica };
    const where = `${id} is ${status}${replica ? `, replicating from ${db.ReadReplicaSourceDBInstanceIdentifier}` : ', standalone'}`;
    const preconditions = [
      { name: 'replica available (not backing up)', ok: status === 'available', observed: where },
    ];
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
  calls: (ctx) => [
    {
      client: 'rds',
      command: 'PromoteReadReplica',
      region: ctx.targetRegion,
      input: { DBInstanceIdentifier: replicaOf(ctx) },
    },
  ],
  async start(ctx) {
    const rds = ctx.clients.forRegion(ctx.targetRegion).rds;
    const out = await ctx.aws.call('rds:PromoteReadReplica', (abortSignal) =>
      rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: replicaOf(ctx) }), { abortSignal }),
    );
    return { calledStatus: out?.DBInstance?.DBInstanceStatus ?? null };
  },
};
