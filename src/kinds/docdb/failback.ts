import { sdk } from '../../adapters/aws/sdk.js';
import type { ReverseCtx } from '../../failback/reverse.js';
import { globalClusterBack } from '../../failback/reverse-global.js';
import type { ReverseItem, ServingRegion } from '../../failback/types.js';
import type { DocdbGlobalCluster } from './schema.js';

/** Failback check: where the DocumentDB writer is, and whether the old primary rejoined in sync (as Aurora). */
export async function docdbBack(
  ctx: ReverseCtx,
  r: DocdbGlobalCluster,
): Promise<[ReverseItem, ServingRegion]> {
  const out = await ctx.aws
    .forRegion(ctx.service.recoveryRegion)
    .docdb.send(
      new (sdk.docdb().DescribeGlobalClustersCommand)({ GlobalClusterIdentifier: r.globalClusterIdentifier }),
      {
        abortSignal: ctx.signal(),
      },
    );
  return globalClusterBack(r, out.GlobalClusters?.[0]?.GlobalClusterMembers ?? [], ctx.service.primaryRegion);
}
