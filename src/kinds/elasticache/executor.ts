import { sdk } from '../../adapters/aws/sdk.js';
import { AwsCallError } from '../../readiness/aws/call.js';
import type { Observation, StepContext, StepExecutor } from '../../runbook/executors/types.js';
import type { PlannedCall, Precondition } from '../../runbook/types.js';
import { bounded, calledThisAttempt, OTHER_REGION_READ_MS, stepRun } from '../autoscaling/groups.js';
import {
  describeDatastore,
  describeReplicationGroup,
  isSettledPrimary,
  memberOf,
  membersText,
} from './datastore.js';
import { datastoreSides, type ElasticacheDatastore, type ElasticacheStep } from './schema.js';

type Ctx = StepContext<ElasticacheStep>;

/** How long a promotion that was called may go unseen in DescribeGlobalReplicationGroups (stricter: AWS gives none). */
export const PROMOTION_GRACE_MS = 2 * 60_000;

const res = (ctx: Ctx) => ctx.resource as ElasticacheDatastore;
const sides = (ctx: Ctx) => datastoreSides(res(ctx), ctx.service, ctx.kind === 'failover');

/** FailoverGlobalReplicationGroup names the replication group to promote and its Region (API reference). */
function input(ctx: Ctx) {
  const { target } = sides(ctx);
  return {
    GlobalReplicationGroupId: res(ctx).globalReplicationGroupId,
    PrimaryRegion: target.region,
    PrimaryReplicationGroupId: target.group,
  };
}

/** Whether the Region the step leaves answers for its replication group (within 3 s; never fatal). */
async function sourceAnswers(ctx: Ctx): Promise<Precondition> {
  const { source } = sides(ctx);
  const name = `${source.region} answers (the current primary's Region)`;
  try {
    const g = await describeReplicationGroup(
      bounded(stepRun(ctx), OTHER_REGION_READ_MS),
      ctx.clients.forRegion(source.region),
      source.group,
    );
    return { name, ok: g !== undefined, observed: `${source.group} is ${g?.Status ?? 'not found'}` };
  } catch (error) {
    return { name, ok: false, observed: error instanceof Error ? error.message : String(error) };
  }
}

async function observe(ctx: Ctx): Promise<Observation> {
  const { target } = sides(ctx);
  const id = res(ctx).globalReplicationGroupId;
  const g = await describeDatastore(stepRun(ctx), ctx.clients.forRegion(target.region), id);
  if (!g) return { state: 'failed', summary: `global datastore ${id} not found in ${target.region}` };
  const member = memberOf(g, target);
  const where = membersText(g);
  const facts = {
    datastoreStatus: g.Status ?? null,
    targetRole: member?.Role ?? null,
    targetMemberStatus: member?.Status ?? null,
  };
  const preconditions: Precondition[] = [
    {
      name: `${target.group} (${target.region}) is a member of ${id}`,
      ok: member !== undefined,
      observed: where,
    },
    { name: 'global datastore available', ok: g.Status === 'available', observed: g.Status ?? 'no status' },
  ];
  if (!member)
    return {
      state: 'failed',
      summary: `${target.group} in ${target.region} is not a member of ${id} (${where})`,
      facts,
      preconditions,
    };
  if (isSettledPrimary(g, target))
    return { state: 'done', summary: `${target.group} is primary (${where})`, facts, preconditions };
  if (g.Status !== 'available' || member.Role === 'PRIMARY')
    // A primary whose membership is not settled yet is the promotion finishing: never promote it again.
    return {
      state: calledThisAttempt(ctx) || member.Role === 'PRIMARY' ? 'in-progress' : 'blocked',
      summary: `waiting for ${id} to be available (${where})`,
      facts,
      preconditions,
    };
  if (calledThisAttempt(ctx)) {
    // Called, and the datastore shows no promotion: ElastiCache may not show it at once; after a grace period
    // say so rather than call again unasked.
    const since = ctx.now() - (ctx.record?.calledAtMs ?? ctx.now());
    return since < PROMOTION_GRACE_MS
      ? {
          state: 'in-progress',
          summary: `promotion of ${target.group} requested (${where})`,
          facts,
          preconditions,
        }
      : {
          state: 'failed',
          summary: `ElastiCache accepted the promotion of ${target.group} but it is not primary (${where}); check the global datastore's events, then retry the step`,
          facts,
          preconditions,
        };
  }
  const reach = ctx.mode === 'unplanned' ? [] : [await sourceAnswers(ctx)];
  return { state: 'not-started', summary: where, facts, preconditions: [...preconditions, ...reach] };
}

/**
 * ElastiCache global datastore: promotes the target Region's replication group with
 * FailoverGlobalReplicationGroup (one call per intent; it has no idempotency token, and a promotion already
 * made or under way is observed, not repeated), then waits until DescribeGlobalReplicationGroups shows it
 * PRIMARY and associated in an available datastore. A refusal while the primary Region does not answer is
 * explained with what the operator can do.
 */
export const elasticacheExecutor: StepExecutor<ElasticacheStep> = {
  defaultTimeoutMs: 30 * 60_000,
  describe(ctx) {
    const { target } = sides(ctx);
    return `Promote ${target.group} in ${target.region} to primary of ElastiCache global datastore ${res(ctx).globalReplicationGroupId} (asynchronous replication: writes not yet replicated are lost)`;
  },
  // Unplanned: the old primary's Region may hold writes not yet replicated; they are not brought back (as Aurora).
  irreversible: (ctx) => ctx.mode === 'unplanned',
  observe,
  calls(ctx): PlannedCall[] {
    return [
      {
        client: 'elasticache',
        command: 'FailoverGlobalReplicationGroup',
        region: sides(ctx).target.region,
        input: input(ctx),
        note: 'then waits until the member is PRIMARY and the datastore available',
      },
    ];
  },
  async start(ctx) {
    const { target, source } = sides(ctx);
    const clients = ctx.clients.forRegion(target.region);
    try {
      const out = await ctx.aws.call('elasticache:FailoverGlobalReplicationGroup', (abortSignal) =>
        clients.elasticache.send(new (sdk.elasticache().FailoverGlobalReplicationGroupCommand)(input(ctx)), {
          abortSignal,
        }),
      );
      return { calledStatus: out.GlobalReplicationGroup?.Status ?? null };
    } catch (error) {
      if (!(error instanceof AwsCallError && error.awsName === 'InvalidGlobalReplicationGroupStateFault'))
        throw error;
      const reach = await sourceAnswers(ctx);
      if (reach.ok) throw error;
      throw new Error(
        `${error.message}. ElastiCache did not promote ${target.group} while ${source.region} does not answer (${reach.observed}): the cache in ${target.region} is still a read-only secondary. Retry once ElastiCache accepts the promotion, or Skip this step and detach ${target.group} from the global datastore by hand (DisassociateGlobalReplicationGroup, in ${target.region}): it then takes writes as a standalone cluster, and writes not yet replicated from ${source.region} are lost`,
      );
    }
  },
};
