import type { ReverseCtx } from '../../failback/reverse.js';
import type { ReverseItem, ServingRegion } from '../../failback/types.js';
import type { Run } from '../autoscaling/groups.js';
import { describeDatastore, memberOf, membersText } from './datastore.js';
import { datastoreSides, type ElasticacheDatastore } from './schema.js';

/**
 * Failback check: which group is the datastore's primary, and whether the primary Region's group is an
 * associated secondary again (it replicates, so promoting it back loses nothing it has).
 */
export async function elasticacheBack(
  ctx: ReverseCtx,
  r: ElasticacheDatastore,
): Promise<[ReverseItem, ServingRegion]> {
  const { target: recovery, source: primary } = datastoreSides(r, ctx.service, true);
  const run: Run = (_action, call) => call(ctx.signal());
  const g = await describeDatastore(run, ctx.aws.forRegion(recovery.region), r.globalReplicationGroupId);
  const base = { resourceId: r.id, kind: r.kind };
  const old = memberOf(g, primary);
  const serving: ServingRegion =
    memberOf(g, recovery)?.Role === 'PRIMARY' ? 'recovery' : old?.Role === 'PRIMARY' ? 'primary' : 'unknown';
  if (!g || !old)
    return [
      {
        ...base,
        status: 'missing',
        text: `${primary.group} (${primary.region}) is not in ${r.globalReplicationGroupId}: add it back as a secondary (not automated)`,
      },
      serving,
    ];
  if (old.Role === 'PRIMARY')
    return [
      { ...base, status: 'ready', text: `${primary.group} is already primary (${membersText(g)})` },
      serving,
    ];
  return [
    old.Status === 'associated' && g.Status === 'available'
      ? { ...base, status: 'ready', text: `${primary.group} replicates as a secondary (${membersText(g)})` }
      : { ...base, status: 'catching-up', text: `${primary.group} is ${old.Status} (${membersText(g)})` },
    serving,
  ];
}
