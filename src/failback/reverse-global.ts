import type { ReverseItem, ServingRegion } from './types.js';

/** A global cluster resource as the failback check reads it (Aurora, DocumentDB). */
interface GlobalClusterRef {
  readonly id: string;
  readonly kind: string;
  readonly globalClusterIdentifier: string;
  readonly primaryClusterArn: string;
  readonly recoveryClusterArn: string;
}
type Member = {
  readonly DBClusterArn?: string | undefined;
  readonly IsWriter?: boolean | undefined;
  readonly SynchronizationStatus?: string | undefined;
};

/** Where the writer is, and whether the old primary cluster rejoined as a synchronized secondary. */
export function globalClusterBack(
  r: GlobalClusterRef,
  members: readonly Member[],
  primaryRegion: string,
): [ReverseItem, ServingRegion] {
  const writer = members.find((m) => m.IsWriter)?.DBClusterArn;
  const serving: ServingRegion =
    writer === r.recoveryClusterArn ? 'recovery' : writer === r.primaryClusterArn ? 'primary' : 'unknown';
  const old = members.find((m) => m.DBClusterArn === r.primaryClusterArn);
  const base = { resourceId: r.id, kind: r.kind };
  if (!old)
    return [
      {
        ...base,
        status: 'missing',
        text: `${r.primaryClusterArn} is no longer in ${r.globalClusterIdentifier}: add a cluster in ${primaryRegion} back as a secondary (not automated)`,
      },
      serving,
    ];
  const sync = old.SynchronizationStatus ?? 'unknown';
  if (old.IsWriter)
    return [{ ...base, status: 'ready', text: `writer is already ${r.primaryClusterArn}` }, serving];
  return [
    sync === 'connected'
      ? {
          ...base,
          status: 'ready',
          text: `old primary rejoined as a secondary and is synchronized (${sync})`,
        }
      : { ...base, status: 'catching-up', text: `old primary rejoined as a secondary, ${sync}` },
    serving,
  ];
}
