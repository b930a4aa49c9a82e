import type { DescribeInstancesCommandInput, Instance } from '@aws-sdk/client-ec2';
import { endpointOrder, onAnyEndpoint } from '../adapters/aws/arc-endpoints.js';
import type { AwsClients } from '../adapters/aws/clients.js';
import { byInstanceIds } from '../adapters/aws/ec2-ids.js';
import { clientsFor } from '../adapters/aws/roles.js';
import { ROUTE53_METRICS_REGION, routedHealth } from '../adapters/aws/route53-health.js';
import { recordAnswer, sameRecordName } from '../adapters/aws/route53-names.js';
import { sdk } from '../adapters/aws/sdk.js';
import type { ResourceOf } from '../plan/schema.js';
import { movesByRecord } from '../readiness/aws/route53.js';
import { SERVICE_TAG } from '../runbook/executors/ec2.js';
import type { NamedService } from '../runbook/executors/types.js';
import { dnsFromHealth, dnsFromRecords, dnsFromRoutingControls, type Observed } from './observed.js';

export interface ObserveDeps {
  readonly aws: AwsClients;
  readonly service: NamedService;
  /** Where the record says the service runs: compute is looked for there. */
  readonly recorded: 'primary' | 'recovery';
  /** Also read which Region DNS answers with (when the readiness checks of this run did not). */
  readonly dns: boolean;
  readonly now: number;
  readonly timeoutMs?: number;
}

/**
 * The reads that compare the record with AWS beyond what the run's checks already read: which Region DNS
 * answers with (ARC routing control states on any cluster endpoint, else Route 53's decision about the
 * PRIMARY record: its health check's HealthCheckStatus, or the records when the runbook moves traffic with
 * update-record) and whether the service's EC2 instances run in the Region the record says. Read-only; a
 * read that fails says nothing (no observation), it never guesses.
 */
export async function observeService(deps: ObserveDeps): Promise<Observed[]> {
  const signal = () => AbortSignal.timeout(deps.timeoutMs ?? 10_000);
  const reads = deps.service.resources.map(async (r): Promise<Observed | undefined> => {
    // Read as the resource's (or the service's) role when the plan names one (src/adapters/aws/roles.ts).
    const d: ObserveDeps = { ...deps, aws: clientsFor(deps.aws, deps.service, r, 'state') };
    try {
      if (r.kind === 'ec2') return await compute(d, r, signal);
      if (!d.dns) return undefined;
      if (r.kind === 'arc-routing-control') return await arc(d, r, signal);
      if (r.kind === 'route53') return await route53(d, r, signal);
      return undefined;
    } catch {
      return undefined;
    }
  });
  return (await Promise.all(reads)).filter((o): o is Observed => o !== undefined);
}

async function arc(
  deps: ObserveDeps,
  r: ResourceOf<'arc-routing-control'>,
  signal: () => AbortSignal,
): Promise<Observed | undefined> {
  const { value } = await onAnyEndpoint(
    endpointOrder(r.clusterEndpoints, deps.service.primaryRegion),
    async (endpoint) => {
      const client = deps.aws.arcCluster(endpoint);
      const read = (arn: string) =>
        client
          .send(
            new (sdk.route53RecoveryCluster().GetRoutingControlStateCommand)({ RoutingControlArn: arn }),
            { abortSignal: signal() },
          )
          .then((out) => out.RoutingControlState);
      const [primary, recovery] = await Promise.all([
        read(r.primaryRoutingControlArn),
        read(r.recoveryRoutingControlArn),
      ]);
      return { primary, recovery };
    },
  );
  return dnsFromRoutingControls(r.id, value);
}

async function route53(
  deps: ObserveDeps,
  r: ResourceOf<'route53'>,
  signal: () => AbortSignal,
): Promise<Observed | undefined> {
  if (!movesByRecord(deps.service, r.id)) {
    const status = await routedHealth(
      deps.aws.forRegion(ROUTE53_METRICS_REGION).cloudwatch,
      r.primaryHealthCheckId,
      deps.now,
      (_action, fn) => fn(signal()),
    );
    return dnsFromHealth(r.id, r.primaryHealthCheckId, status.healthy);
  }
  const out = await deps.aws.forRegion(deps.service.primaryRegion).route53.send(
    new (sdk.route53().ListResourceRecordSetsCommand)({
      HostedZoneId: r.hostedZoneId,
      StartRecordName: r.recordName,
      StartRecordType: r.recordType,
      MaxItems: 10,
    }),
    { abortSignal: signal() },
  );
  const mine = (out.ResourceRecordSets ?? []).filter(
    (s) => sameRecordName(s.Name, r.recordName) && s.Type === r.recordType,
  );
  return dnsFromRecords(
    r.id,
    recordAnswer(mine.find((s) => s.Failover === 'PRIMARY')),
    recordAnswer(mine.find((s) => s.Failover === 'SECONDARY')),
  );
}

const running = (instances: readonly Instance[]) =>
  new Set(instances.filter((i) => i.State?.Name === 'running').flatMap((i) => i.InstanceId ?? []));

/**
 * The resource's instances running where the record says the service runs: the primary instances in the
 * primary Region; in the recovery Region, its standbys and the instances Lifeboat launched for the service
 * (tagged `lifeboat:service`). Undefined when there is nothing to look for (no primary instances named).
 */
async function compute(
  deps: ObserveDeps,
  r: ResourceOf<'ec2'>,
  signal: () => AbortSignal,
): Promise<Observed | undefined> {
  const primary = deps.recorded === 'primary';
  const region = primary ? deps.service.primaryRegion : deps.service.recoveryRegion;
  const ec2 = deps.aws.forRegion(region).ec2;
  const list = async (input: DescribeInstancesCommandInput) =>
    (
      await ec2.send(new (sdk.ec2().DescribeInstancesCommand)(input), { abortSignal: signal() })
    ).Reservations?.flatMap((x) => x.Instances ?? []) ?? [];
  let ids: Set<string>;
  if (primary) {
    if (r.primaryInstances.length === 0) return undefined;
    ids = running(await list(byInstanceIds(r.primaryInstances)));
  } else {
    const [standbys, launched] = await Promise.all([
      r.standbyInstances.length > 0 ? list(byInstanceIds(r.standbyInstances)) : Promise.resolve([]),
      list({
        Filters: [
          { Name: `tag:${SERVICE_TAG}`, Values: [deps.service.name] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    ]);
    ids = running([...standbys, ...launched]);
  }
  return {
    facet: 'compute',
    side: deps.recorded,
    resourceId: r.id,
    running: ids.size,
    text:
      ids.size > 0
        ? `${r.id}: ${ids.size} instance(s) running in ${region}`
        : `${r.id}: no instance running in ${region}`,
  };
}

/** `observeService` for a service by name, as the plan in force defines it (DirectedReadinessDeps.observe). */
export function makeObserver(deps: {
  readonly aws: AwsClients;
  readonly getPlan: () => { readonly services: Readonly<Record<string, Omit<NamedService, 'name'>>> };
  readonly now: () => number;
}): (service: string, recorded: 'primary' | 'recovery', dns: boolean) => Promise<Observed[]> {
  return async (name, recorded, dns) => {
    const services = deps.getPlan().services;
    const service = Object.hasOwn(services, name) ? services[name] : undefined;
    if (!service) return [];
    return observeService({ aws: deps.aws, service: { ...service, name }, recorded, dns, now: deps.now() });
  };
}
