import type { Alarm } from './alarms.js';
import type { FaultsSnapshot } from './faults.js';
import { healthCheckHealthy } from './metrics.js';
import { regionUp, type World } from './world.js';

/** A plain-JSON view of the whole simulated world, for a UI panel and tests. */
export interface WorldSnapshot {
  now: string;
  timeScale: number;
  account: string;
  regions: { region: string; status: 'available' | 'outage' }[];
  faults: FaultsSnapshot;
  rds: {
    globalClusters: {
      id: string;
      status: string;
      writer?: string;
      members: { clusterArn: string; isWriter: boolean; sync: string }[];
    }[];
    clusters: { id: string; region: string; status: string; globalClusterId?: string }[];
    instances: {
      id: string;
      region: string;
      status: string;
      clusterId?: string;
      replicaSource?: string;
      replicas: string[];
    }[];
  };
  ec2: {
    instances: { id: string; region: string; state: string; imageId: string; tags: Record<string, string> }[];
  };
  s3: {
    buckets: {
      name: string;
      region: string;
      objects: number;
      pendingReplication: number;
      replicationRules: { id: string; status: string; destination: string }[];
    }[];
  };
  dynamodb: {
    tables: { name: string; region: string; status: string; items: number }[];
    pendingReplication: number;
  };
  route53: {
    healthChecks: { id: string; region: string; healthy: boolean; inverted: boolean; disabled: boolean }[];
    records: {
      zoneId: string;
      name: string;
      type: string;
      setIdentifier?: string;
      failover?: string;
      healthCheckId?: string;
      values: string[];
      serving: boolean;
    }[];
  };
  alarms: { name: string; type: string; region: string; state: string; reason: string; updatedAt: string }[];
  sns: {
    topics: {
      arn: string;
      published: number;
      subscriptions: { endpoint: string; protocol: string; confirmed: boolean }[];
    }[];
  };
  sqs: { queues: { url: string; messages: number; inFlight: number }[] };
}

export interface SnapshotParts {
  readonly faults: FaultsSnapshot;
  readonly alarms: readonly Alarm[];
  readonly sns: WorldSnapshot['sns'];
  readonly sqs: WorldSnapshot['sqs'];
}

export function takeSnapshot(w: World, parts: SnapshotParts): WorldSnapshot {
  const now = w.time.now();
  const regions = new Set([w.primaryRegion, w.recoveryRegion, ...w.faults.outages.keys()]);
  for (const c of w.rds.clusters.values()) regions.add(c.region);
  const hcHealthy = (id: string | undefined) => {
    const hc = id ? w.route53.healthChecks.get(id) : undefined;
    return hc ? healthCheckHealthy(w, hc, now) : true;
  };
  return {
    now: new Date(now).toISOString(),
    timeScale: w.time.scale,
    account: w.account,
    regions: [...regions]
      .sort()
      .map((region) => ({ region, status: regionUp(w, region, now) ? 'available' : 'outage' })),
    faults: parts.faults,
    rds: {
      globalClusters: [...w.rds.globals.values()].map((g) => ({
        id: g.id,
        status: g.status,
        ...(g.members.find((m) => m.isWriter)
          ? { writer: g.members.find((m) => m.isWriter)?.clusterArn }
          : {}),
        members: g.members.map((m) => ({ clusterArn: m.clusterArn, isWriter: m.isWriter, sync: m.sync })),
      })),
      clusters: [...w.rds.clusters.values()].map((c) => ({
        id: c.id,
        region: c.region,
        status: c.status,
        ...(c.globalClusterId ? { globalClusterId: c.globalClusterId } : {}),
      })),
      instances: [...w.rds.instances.values()].map((i) => ({
        id: i.id,
        region: i.region,
        status: i.status,
        ...(i.clusterId ? { clusterId: i.clusterId } : {}),
        ...(i.replicaSource ? { replicaSource: i.replicaSource } : {}),
        replicas: [...i.replicas],
      })),
    },
    ec2: {
      instances: [...w.ec2.instances.values()].map((i) => ({
        id: i.id,
        region: i.region,
        state: i.state,
        imageId: i.imageId,
        tags: { ...i.tags },
      })),
    },
    s3: {
      buckets: [...w.s3.buckets.values()].map((b) => {
        const versions = [...b.objects.values()].flat();
        return {
          name: b.name,
          region: b.region,
          objects: b.objects.size,
          pendingReplication: versions.filter((v) => v.replicationStatus === 'PENDING').length,
          replicationRules: (b.replication?.rules ?? []).map((r) => ({
            id: r.id,
            status: r.status,
            destination: r.destinationBucket,
          })),
        };
      }),
    },
    dynamodb: {
      tables: [...w.dynamodb.replicas.values()].map((t) => ({
        name: t.name,
        region: t.region,
        status: t.status,
        items: t.items.size,
      })),
      pendingReplication: w.dynamodb.pending.length,
    },
    route53: {
      healthChecks: [...w.route53.healthChecks.values()].map((hc) => {
        const config = hc.config.at(-1);
        return {
          id: hc.id,
          region: hc.region,
          healthy: healthCheckHealthy(w, hc, now),
          inverted: config?.inverted ?? false,
          disabled: config?.disabled ?? false,
        };
      }),
      records: [...w.route53.zones.values()].flatMap((z) =>
        z.records.map((r) => ({
          zoneId: z.id,
          name: r.name,
          type: r.type,
          ...(r.setIdentifier ? { setIdentifier: r.setIdentifier } : {}),
          ...(r.failover ? { failover: r.failover } : {}),
          ...(r.healthCheckId ? { healthCheckId: r.healthCheckId } : {}),
          values: [...r.values],
          serving:
            r.failover === undefined ||
            (r.failover === 'PRIMARY'
              ? hcHealthy(r.healthCheckId)
              : !z.records.some(
                  (p) =>
                    p.name === r.name &&
                    p.type === r.type &&
                    p.failover === 'PRIMARY' &&
                    hcHealthy(p.healthCheckId),
                )),
        })),
      ),
    },
    alarms: parts.alarms.map((a) => ({
      name: a.name,
      type: a.type,
      region: a.region,
      state: a.state.value,
      reason: a.state.reason,
      updatedAt: new Date(a.state.updatedAt).toISOString(),
    })),
    sns: parts.sns,
    sqs: parts.sqs,
  };
}
