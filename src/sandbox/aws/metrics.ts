import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import { DURATIONS } from './durations.js';
import { elasticacheSeries } from './elasticache.js';
import { replicaImpairedSince, resolveInstanceRef } from './rds-shapes.js';
import { activeAt } from './time.js';
import { type HealthCheck, impairedSince, type RoutingControl, regionUp, type World } from './world.js';

export const routingControlStateAt = (c: RoutingControl, t: number) =>
  [...c.history].reverse().find((h) => h.at <= t)?.state ?? c.history[0]?.state ?? 'Off';

/**
 * CloudWatch series derived from the model. Each value is a pure function of time and the fault
 * history, so any window can be queried (and alarms evaluated late) without stored samples.
 */
export interface Series {
  readonly namespace: string;
  readonly metricName: string;
  readonly region: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly unit: StandardUnit;
  value(t: number): number | undefined;
}

/** Small deterministic wobble so healthy metrics are not flat lines. */
function wobble(t: number, key: string, amplitude: number): number {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const phase = (h % 1000) / 1000;
  return amplitude * (0.5 + 0.5 * Math.sin(t / 47_000 + phase * 6.283));
}

const lag = (w: World, t: number, since: number | undefined, baseline: number, key: string, perMs = 1) =>
  since === undefined ? baseline + wobble(t, key, baseline) : baseline + w.time.toSim(t - since) * perMs;

/** Whether the health check reports healthy at `t` (observations lag the endpoint by ~30 s). */
export function healthCheckHealthy(w: World, hc: HealthCheck, t = w.time.now()): boolean {
  const seen = t - w.time.toClock(DURATIONS.healthFlip);
  const config = [...hc.config].reverse().find((c) => c.at <= seen) ?? hc.config[0];
  if (config?.disabled) return true;
  const control = hc.routingControlArn ? w.arc.controls.get(hc.routingControlArn) : undefined;
  const up = control ? routingControlStateAt(control, seen) === 'On' : endpointUp(w, hc, seen);
  return config?.inverted ? !up : up;
}

/** Engines whose ReplicaLag is -1 while replication is not active (Seconds_Behind_Master = NULL). */
const NOT_RUNNING_IS_MINUS_ONE = /^(mysql|mariadb)$/;

/** What the health checkers see of the endpoint itself (before Inverted, which Route 53 applies after). */
export function endpointUp(w: World, hc: HealthCheck, t: number): boolean {
  return regionUp(w, hc.region, t) && activeAt(w.faults.broken.get(hc.id), t) === undefined;
}

export function metricSeries(w: World, only?: { namespace?: string; metricName?: string }): Series[] {
  const series: Series[] = [];
  // A query names one metric: derive only that family (each family walks all of its resources, and a
  // GetMetricData per resource over the whole world was quadratic in an organisation-sized plan).
  const want = (namespace: string, ...names: string[]) =>
    !only ||
    (only.namespace === namespace && (only.metricName === undefined || names.includes(only.metricName)));
  if (want('AWS/RDS', 'AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag'))
    for (const g of w.rds.globals.values()) {
      if (g.engine === 'docdb') continue; // Aurora's metrics; DocumentDB's are not modelled (FIDELITY.md)
      const writer = g.members.find((m) => m.isWriter);
      for (const m of g.members) {
        if (m.isWriter || !writer) continue;
        const { id } = resolveInstanceRef(m.region, m.clusterArn);
        const since = (t: number) => impairedSince(w, t, [writer.region, m.region], [g.id, id]);
        const value = (extra: number) => (t: number) =>
          m.sync === 'connected' ? lag(w, t, since(t), 150 + extra, `${id}${extra}`) : undefined;
        // Published in the secondary's Region with the dimensions DBClusterIdentifier and SourceRegion (the
        // writer's Region) only: a query without SourceRegion names another metric and returns nothing.
        for (const [metricName, extra] of [
          ['AuroraGlobalDBReplicationLag', 0],
          ['AuroraGlobalDBRPOLag', 50],
        ] as const) {
          series.push({
            namespace: 'AWS/RDS',
            metricName,
            region: m.region,
            dimensions: { DBClusterIdentifier: id, SourceRegion: writer.region },
            unit: 'Milliseconds',
            value: value(extra),
          });
        }
      }
    }
  if (want('AWS/RDS', 'ReplicaLag'))
    for (const i of w.rds.instances.values()) {
      if (!i.replicaSource) continue;
      series.push({
        namespace: 'AWS/RDS',
        metricName: 'ReplicaLag',
        region: i.region,
        dimensions: { DBInstanceIdentifier: i.id },
        unit: 'Seconds',
        value: (t) => {
          if (!i.replicaSource) return undefined;
          const since = replicaImpairedSince(w, i, t);
          // MySQL and MariaDB report Seconds_Behind_Master, NULL (published as -1) while replication is not
          // running. Modelled for a broken replication; a source Region outage still shows a growing lag (a known
          // gap, FIDELITY.md: the seeded ReplicaLag alarm would have to fire on -1 first).
          const broken = activeAt(w.faults.broken.get(i.id), t) !== undefined;
          if (broken && NOT_RUNNING_IS_MINUS_ONE.test(i.engine)) return -1;
          return lag(w, t, since, 1, i.id, 1 / 1000);
        },
      });
    }
  if (want('AWS/S3', 'ReplicationLatency', 'OperationsPendingReplication', 'BytesPendingReplication'))
    for (const b of w.s3.buckets.values()) {
      for (const rule of b.replication?.rules ?? []) {
        if (rule.status !== 'Enabled') continue;
        const dest = rule.destinationBucket;
        const destRegion = w.s3.buckets.get(dest)?.region ?? b.region;
        const dimensions = { SourceBucket: b.name, DestinationBucket: dest, RuleId: rule.id };
        const since = (t: number) => impairedSince(w, t, [b.region, destRegion], [b.name, dest, rule.id]);
        series.push({
          namespace: 'AWS/S3',
          metricName: 'ReplicationLatency',
          region: b.region,
          dimensions,
          unit: 'Seconds',
          value: (t) => lag(w, t, since(t), 8, b.name, 1 / 1000),
        });
        const pending = (t: number, bytes: boolean) => {
          let total = 0;
          for (const versions of b.objects.values()) {
            for (const v of versions) {
              const r = v.replication;
              if (
                r &&
                r.ruleId === rule.id &&
                v.lastModified <= t &&
                (r.completedAt === undefined || r.completedAt > t)
              )
                total += bytes ? v.body.length : 1;
            }
          }
          return total;
        };
        series.push(
          {
            namespace: 'AWS/S3',
            metricName: 'OperationsPendingReplication',
            region: b.region,
            dimensions,
            unit: 'Count',
            value: (t) => pending(t, false),
          },
          {
            namespace: 'AWS/S3',
            metricName: 'BytesPendingReplication',
            region: b.region,
            dimensions,
            unit: 'Bytes',
            value: (t) => pending(t, true),
          },
        );
      }
    }
  const tables = new Map<string, string[]>();
  if (want('AWS/DynamoDB', 'ReplicationLatency'))
    for (const r of w.dynamodb.replicas.values())
      tables.set(r.name, [...(tables.get(r.name) ?? []), r.region]);
  for (const [table, regions] of tables) {
    for (const from of regions) {
      for (const to of regions) {
        if (from === to) continue;
        series.push({
          namespace: 'AWS/DynamoDB',
          metricName: 'ReplicationLatency',
          region: from,
          dimensions: { TableName: table, ReceivingRegion: to },
          unit: 'Milliseconds',
          value: (t) => lag(w, t, impairedSince(w, t, [from, to], [table]), 700, `${table}${from}${to}`),
        });
      }
    }
  }
  if (want('AWS/Route53', 'HealthCheckStatus', 'HealthCheckPercentageHealthy'))
    for (const hc of w.route53.healthChecks.values()) {
      const healthy = (t: number) => (healthCheckHealthy(w, hc, t) ? 1 : 0);
      series.push(
        {
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          region: 'us-east-1',
          dimensions: { HealthCheckId: hc.id },
          unit: 'None',
          value: healthy,
        },
        {
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckPercentageHealthy',
          region: 'us-east-1',
          dimensions: { HealthCheckId: hc.id },
          unit: 'Percent',
          value: (t) => healthy(t) * 100,
        },
      );
    }
  if (want('AWS/EC2', 'StatusCheckFailed'))
    for (const i of w.ec2.instances.values()) {
      if (i.state !== 'running') continue;
      series.push({
        namespace: 'AWS/EC2',
        metricName: 'StatusCheckFailed',
        region: i.region,
        dimensions: { InstanceId: i.id },
        unit: 'Count',
        value: (t) =>
          regionUp(w, i.region, t) && activeAt(w.faults.broken.get(i.id), t) === undefined ? 0 : 1,
      });
    }
  if (want('AWS/ElastiCache', 'GlobalDatastoreReplicationLag')) series.push(...elasticacheSeries(w));
  return series;
}

export function findSeries(
  w: World,
  region: string,
  namespace: string | undefined,
  metricName: string | undefined,
  dimensions: readonly { Name?: string; Value?: string }[] | undefined,
): Series | undefined {
  const wanted = dimensions ?? [];
  if (namespace === undefined || metricName === undefined) return undefined;
  return metricSeries(w, { namespace, metricName }).find(
    (s) =>
      s.region === region &&
      s.namespace === namespace &&
      s.metricName === metricName &&
      Object.keys(s.dimensions).length === wanted.length &&
      wanted.every((d) => d.Name !== undefined && s.dimensions[d.Name] === d.Value),
  );
}
