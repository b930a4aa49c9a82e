import type {
  ChangeResourceRecordSetsCommandInput,
  ChangeResourceRecordSetsCommandOutput,
  GetChangeCommandInput,
  GetChangeCommandOutput,
  GetHealthCheckCommandInput,
  GetHealthCheckCommandOutput,
  GetHealthCheckStatusCommandInput,
  GetHealthCheckStatusCommandOutput,
  ListResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommandOutput,
  ResourceRecordSet,
  HealthCheck as SdkHealthCheck,
  UpdateHealthCheckCommandInput,
  UpdateHealthCheckCommandOutput,
} from '@aws-sdk/client-route-53';
import { DURATIONS } from './durations.js';
import { awsError } from './errors.js';
import { endpointUp, routingControlStateAt } from './metrics.js';
import type { Registry } from './registry.js';
import {
  emitChange,
  type HealthCheck,
  type HostedZone,
  nextId,
  type RecordSet,
  type World,
} from './world.js';

/** Route 53's health checkers and the addresses they report from. */
const CHECKERS = [
  ['us-east-1', '15.177.2.1'],
  ['us-west-1', '15.177.10.1'],
  ['us-west-2', '15.177.14.1'],
  ['eu-west-1', '15.177.62.1'],
  ['ap-southeast-1', '15.177.42.1'],
  ['ap-southeast-2', '15.177.50.1'],
  ['ap-northeast-1', '15.177.34.1'],
  ['sa-east-1', '15.177.58.1'],
] as const;

function healthCheckOf(w: World, id: string | undefined): HealthCheck {
  const hc = id ? w.route53.healthChecks.get(id) : undefined;
  if (!hc)
    throw awsError(
      'route53',
      'NoSuchHealthCheck',
      `No health check exists with the specified ID ${id ?? ''}.`,
      404,
    );
  return hc;
}

function zoneOf(w: World, id: string | undefined): HostedZone {
  const zone = id ? w.route53.zones.get(id.replace(/^\/hostedzone\//, '')) : undefined;
  if (!zone) throw awsError('route53', 'NoSuchHostedZone', `No hosted zone found with ID: ${id ?? ''}`, 404);
  return zone;
}

function healthCheckShape(hc: HealthCheck): SdkHealthCheck {
  const config = hc.config.at(-1);
  return {
    Id: hc.id,
    CallerReference: `lifeboat-sandbox-${hc.id}`,
    HealthCheckVersion: hc.version,
    HealthCheckConfig: hc.routingControlArn
      ? {
          Type: 'RECOVERY_CONTROL',
          RoutingControlArn: hc.routingControlArn,
          Inverted: config?.inverted ?? false,
          Disabled: config?.disabled ?? false,
        }
      : {
          Type: 'HTTPS',
          FullyQualifiedDomainName: hc.fqdn,
          ResourcePath: '/healthz',
          Port: 443,
          RequestInterval: 30,
          FailureThreshold: 3,
          MeasureLatency: false,
          Inverted: config?.inverted ?? false,
          Disabled: config?.disabled ?? false,
          EnableSNI: true,
        },
  };
}

const recordShape = (r: RecordSet): ResourceRecordSet => ({
  Name: r.name,
  Type: r.type as ResourceRecordSet['Type'],
  // An alias record has neither TTL nor ResourceRecords, only AliasTarget (API reference, AliasTarget).
  ...(r.alias
    ? {
        AliasTarget: {
          HostedZoneId: r.alias.hostedZoneId,
          DNSName: r.alias.dnsName,
          EvaluateTargetHealth: r.alias.evaluateTargetHealth,
        },
      }
    : { TTL: r.ttl, ResourceRecords: r.values.map((Value) => ({ Value })) }),
  ...(r.setIdentifier ? { SetIdentifier: r.setIdentifier } : {}),
  ...(r.failover ? { Failover: r.failover } : {}),
  ...(r.healthCheckId ? { HealthCheckId: r.healthCheckId } : {}),
});

/** As Route 53 stores a name: lowercase, `*` as its escape code `\052`, with the trailing dot. */
export const fqdn = (name: string): string =>
  `${name.replace(/\.$/, '')}.`.toLowerCase().replace(/\*/g, '\\052');
const sameRecord = (a: RecordSet, b: { name: string; type: string; setIdentifier?: string }) =>
  a.name === b.name && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');

function changeInfo(w: World, id: string) {
  const change = w.route53.changes.get(id);
  if (!change)
    throw awsError(
      'route53',
      'NoSuchChange',
      `A change with the specified change ID does not exist: ${id}`,
      404,
    );
  return {
    Id: `/change/${id}`,
    Status: w.time.now() >= change.insyncAt ? ('INSYNC' as const) : ('PENDING' as const),
    SubmittedAt: new Date(change.submittedAt),
  };
}

export function registerRoute53(registry: Registry): void {
  registry
    .on<GetHealthCheckCommandInput, GetHealthCheckCommandOutput>(
      'route53:GetHealthCheck',
      (input, { world }) => ({
        HealthCheck: healthCheckShape(healthCheckOf(world, input.HealthCheckId)),
      }),
    )
    .on<GetHealthCheckStatusCommandInput, GetHealthCheckStatusCommandOutput>(
      'route53:GetHealthCheckStatus',
      (input, { world }) => {
        const hc = healthCheckOf(world, input.HealthCheckId);
        const now = world.time.now();
        // Each checker reports what it sees of the endpoint: Route 53 applies Inverted (and Disabled) only
        // after it aggregates them, so an inverted check keeps listing "Success" here (FIDELITY.md, Route 53).
        const control = hc.routingControlArn ? world.arc.controls.get(hc.routingControlArn) : undefined;
        const healthy = control
          ? routingControlStateAt(control, now - world.time.toClock(DURATIONS.healthFlip)) === 'On'
          : endpointUp(world, hc, now - world.time.toClock(DURATIONS.healthFlip));
        return {
          HealthCheckObservations: CHECKERS.map(([region, ip], n) => ({
            Region: region,
            IPAddress: ip,
            StatusReport: {
              Status: healthy
                ? 'Success: HTTP Status Code 200, OK'
                : 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall. See https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-router-firewall-rules.html',
              CheckedTime: new Date(now - ((n * 3_700) % 30_000)),
            },
          })),
        };
      },
    )
    .on<UpdateHealthCheckCommandInput, UpdateHealthCheckCommandOutput>(
      'route53:UpdateHealthCheck',
      (input, { world }) => {
        const hc = healthCheckOf(world, input.HealthCheckId);
        if (input.HealthCheckVersion !== undefined && input.HealthCheckVersion !== hc.version)
          throw awsError(
            'route53',
            'HealthCheckVersionMismatch',
            'The value of HealthCheckVersion in the request does not match the current version.',
            409,
          );
        const current = hc.config.at(-1) ?? { at: 0, inverted: false, disabled: false };
        hc.config.push({
          at: world.time.now(),
          inverted: input.Inverted ?? current.inverted,
          disabled: input.Disabled ?? current.disabled,
        });
        hc.version += 1;
        emitChange(world, 'route53-health-check', hc.id, {
          inverted: input.Inverted,
          disabled: input.Disabled,
        });
        return { HealthCheck: healthCheckShape(hc) };
      },
    )
    .on<ListResourceRecordSetsCommandInput, ListResourceRecordSetsCommandOutput>(
      'route53:ListResourceRecordSets',
      (input, { world }) => {
        const zone = zoneOf(world, input.HostedZoneId);
        const sorted = [...zone.records].sort(
          (a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type),
        );
        const start = input.StartRecordName ? fqdn(input.StartRecordName) : undefined;
        const from = start
          ? sorted.findIndex(
              (r) =>
                r.name.localeCompare(start) >= 0 &&
                (!input.StartRecordType || r.name !== start || r.type >= input.StartRecordType),
            )
          : 0;
        const max = Number(input.MaxItems ?? 300);
        const rest = from < 0 ? [] : sorted.slice(from);
        const page = rest.slice(0, max);
        const next = rest[max];
        return {
          ResourceRecordSets: page.map(recordShape),
          IsTruncated: next !== undefined,
          MaxItems: max,
          ...(next
            ? {
                NextRecordName: next.name,
                NextRecordType: next.type as ResourceRecordSet['Type'],
                ...(next.setIdentifier ? { NextRecordIdentifier: next.setIdentifier } : {}),
              }
            : {}),
        };
      },
    )
    .on<ChangeResourceRecordSetsCommandInput, ChangeResourceRecordSetsCommandOutput>(
      'route53:ChangeResourceRecordSets',
      (input, { world }) => {
        const zone = zoneOf(world, input.HostedZoneId);
        const records = [...zone.records];
        for (const change of input.ChangeBatch?.Changes ?? []) {
          const set = change.ResourceRecordSet;
          const alias = set?.AliasTarget;
          if (alias && (set?.TTL !== undefined || (set?.ResourceRecords ?? []).length > 0))
            throw awsError(
              'route53',
              'InvalidChangeBatch',
              '[Invalid Resource Record Set: an alias record cannot have TTL or ResourceRecords]',
            );
          if (!alias && (set?.ResourceRecords ?? []).length === 0 && change.Action !== 'DELETE')
            throw awsError(
              'route53',
              'InvalidChangeBatch',
              '[Invalid Resource Record Set: a non-alias record needs ResourceRecords]',
            );
          const wanted: RecordSet = {
            name: fqdn(set?.Name ?? ''),
            type: set?.Type ?? 'A',
            ttl: set?.TTL ?? 300,
            values: (set?.ResourceRecords ?? []).map((r) => r.Value ?? ''),
            ...(alias
              ? {
                  alias: {
                    hostedZoneId: alias.HostedZoneId ?? '',
                    dnsName: `${(alias.DNSName ?? '').replace(/\.$/, '')}.`.toLowerCase(),
                    evaluateTargetHealth: alias.EvaluateTargetHealth ?? false,
                  },
                }
              : {}),
            ...(set?.SetIdentifier ? { setIdentifier: set.SetIdentifier } : {}),
            ...(set?.Failover ? { failover: set.Failover } : {}),
            ...(set?.HealthCheckId ? { healthCheckId: set.HealthCheckId } : {}),
          };
          if (wanted.healthCheckId && !world.route53.healthChecks.has(wanted.healthCheckId))
            throw awsError(
              'route53',
              'InvalidChangeBatch',
              `[Invalid request: health check ${wanted.healthCheckId} does not exist]`,
            );
          const at = records.findIndex((r) => sameRecord(r, wanted));
          if (change.Action === 'CREATE' && at >= 0)
            throw awsError(
              'route53',
              'InvalidChangeBatch',
              `[Tried to create resource record set [name='${wanted.name}', type='${wanted.type}'] but it already exists]`,
            );
          if (change.Action === 'DELETE' && at < 0)
            throw awsError(
              'route53',
              'InvalidChangeBatch',
              `[Tried to delete resource record set [name='${wanted.name}', type='${wanted.type}'] but it was not found]`,
            );
          if (change.Action === 'DELETE') records.splice(at, 1);
          else if (at >= 0) records[at] = wanted;
          else records.push(wanted);
        }
        zone.records = records;
        const id = nextId(world, 'C', 20).toUpperCase();
        const now = world.time.now();
        world.route53.changes.set(id, {
          submittedAt: now,
          insyncAt: now + world.time.toClock(DURATIONS.route53Insync),
        });
        emitChange(world, 'route53-records', zone.id, { change: id });
        return {
          ChangeInfo: {
            ...changeInfo(world, id),
            ...(input.ChangeBatch?.Comment ? { Comment: input.ChangeBatch.Comment } : {}),
          },
        };
      },
    )
    .on<GetChangeCommandInput, GetChangeCommandOutput>('route53:GetChange', (input, { world }) => ({
      ChangeInfo: changeInfo(world, (input.Id ?? '').replace(/^\/change\//, '')),
    }));
}
