import type {
  GlobalReplicationGroup,
  GlobalReplicationGroupMember,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { RegionClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import { AwsCallError } from '../../readiness/aws/call.js';
import type { Run } from '../autoscaling/groups.js';

/**
 * The global datastore with its members, or undefined when ElastiCache answers GlobalReplicationGroupNotFoundFault
 * (DescribeGlobalReplicationGroups API reference; members are listed only with ShowMemberInfo).
 */
export async function describeDatastore(
  run: Run,
  clients: RegionClients,
  id: string,
): Promise<GlobalReplicationGroup | undefined> {
  try {
    const out = await run('elasticache:DescribeGlobalReplicationGroups', (abortSignal) =>
      clients.elasticache.send(
        new (sdk.elasticache().DescribeGlobalReplicationGroupsCommand)({
          GlobalReplicationGroupId: id,
          ShowMemberInfo: true,
        }),
        { abortSignal },
      ),
    );
    return out.GlobalReplicationGroups?.find((g) => g.GlobalReplicationGroupId === id);
  } catch (error) {
    if (notFound(error, 'GlobalReplicationGroupNotFoundFault')) return undefined;
    throw error;
  }
}

/** The replication group in the client's Region, or undefined (ReplicationGroupNotFoundFault). */
export async function describeReplicationGroup(
  run: Run,
  clients: RegionClients,
  id: string,
): Promise<ReplicationGroup | undefined> {
  try {
    const out = await run('elasticache:DescribeReplicationGroups', (abortSignal) =>
      clients.elasticache.send(
        new (sdk.elasticache().DescribeReplicationGroupsCommand)({ ReplicationGroupId: id }),
        {
          abortSignal,
        },
      ),
    );
    return out.ReplicationGroups?.find((g) => g.ReplicationGroupId === id);
  } catch (error) {
    if (notFound(error, 'ReplicationGroupNotFoundFault')) return undefined;
    throw error;
  }
}

function notFound(error: unknown, name: string): boolean {
  const e = error instanceof AwsCallError ? error.cause : error;
  return e instanceof Error && e.name === name;
}

/** The member for a replication group in a Region. */
export const memberOf = (
  g: GlobalReplicationGroup | undefined,
  side: { group: string; region: string },
): GlobalReplicationGroupMember | undefined =>
  g?.Members?.find((m) => m.ReplicationGroupId === side.group && m.ReplicationGroupRegion === side.region);

/**
 * A member that serves as the datastore's primary: Role PRIMARY and its membership settled ("associated", as
 * DescribeGlobalReplicationGroups shows members in AWS's examples), in a datastore that is "available" (not
 * "modifying", which a failover shows while it runs, nor "primary-only").
 */
export const isSettledPrimary = (
  g: GlobalReplicationGroup | undefined,
  side: { group: string; region: string },
): boolean => {
  const m = memberOf(g, side);
  return g?.Status === 'available' && m?.Role === 'PRIMARY' && m.Status === 'associated';
};

/** "primary sessions-use1 (us-east-1), secondary sessions-usw2 (us-west-2); datastore available". */
export function membersText(g: GlobalReplicationGroup): string {
  const members = (g.Members ?? [])
    .map(
      (m) =>
        `${(m.Role ?? 'no role').toLowerCase()} ${m.ReplicationGroupId} (${m.ReplicationGroupRegion}, ${m.Status})`,
    )
    .join(', ');
  return `${members}; datastore ${g.Status ?? 'in no status'}`;
}
