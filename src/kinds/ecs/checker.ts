import type { Service } from '@aws-sdk/client-ecs';
import type { AwsClients, RegionClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import { AwsCallError, awsCall, type CheckBase, guard } from '../../readiness/aws/call.js';
import { count, text } from '../../readiness/format.js';
import type { Check, CheckContext, Checker, NamedService } from '../../readiness/types.js';
import { bounded, OTHER_REGION_READ_MS, type Run, targetCapacity } from '../autoscaling/groups.js';
import { type EcsService, ecsNames } from './schema.js';
import { describeService } from './services.js';

const base = (r: EcsService, name: string): CheckBase => ({ resourceId: r.id, kind: r.kind, name });
/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag][@digest]` (ECR image URIs). */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]+))?$/;

/**
 * ECS service in the recovery Region: the service exists and is ACTIVE; every image of its task definition is
 * in the recovery Region's ECR (an image pulled from another Region's registry is not there in that Region's
 * outage); its desired count now against the failover's target.
 */
export function createEcsChecker(clients: AwsClients): Checker<'ecs-service'> {
  return {
    async check(resource, service, ctx) {
      const recovery = clients.forRegion(service.recoveryRegion);
      const run: Run = (action, call) => awsCall(ctx, action, call);
      const where = ecsNames(resource, true).target;
      const subject = `ECS service ${where.cluster}/${where.service}`;
      let found: Service | undefined;
      const exists = await guard(base(resource, 'service'), subject, async () => {
        found = await describeService(run, recovery, where);
        const ok = found?.status === 'ACTIVE';
        return {
          ...base(resource, 'service'),
          verdict: ok ? 'ready' : 'not_ready',
          measured: text(found?.status ?? 'not found'),
          target: text('ACTIVE'),
          reason: `${resource.id}: ${where.cluster}/${where.service} in ${service.recoveryRegion} ${found?.status ?? 'not found'}`,
        };
      });
      const s = found;
      if (s?.status !== 'ACTIVE') return exists;
      const rest = await Promise.all([
        guard(base(resource, 'images'), `task definition ${s.taskDefinition}`, () =>
          imagesCheck(resource, service, ctx, recovery, s),
        ),
        guard(base(resource, 'capacity'), subject, () => capacityCheck(resource, service, clients, run, s)),
      ]);
      return [...exists, ...rest.flat()];
    },
  };
}

async function imagesCheck(
  r: EcsService,
  service: NamedService,
  ctx: CheckContext,
  clients: RegionClients,
  s: Service,
): Promise<Check> {
  const b = base(r, 'images');
  const td = await awsCall(ctx, 'ecs:DescribeTaskDefinition', (abortSignal) =>
    clients.ecs.send(new (sdk.ecs().DescribeTaskDefinitionCommand)({ taskDefinition: s.taskDefinition }), {
      abortSignal,
    }),
  );
  const images = (td.taskDefinition?.containerDefinitions ?? []).map((c) => c.image ?? '');
  const problems: string[] = [];
  const unchecked: string[] = [];
  for (const image of images) {
    const m = ECR_IMAGE.exec(image);
    if (!m) {
      unchecked.push(image);
      continue;
    }
    const [, registryId = '', region = '', repositoryName = '', tag, digest] = m;
    if (region !== service.recoveryRegion) {
      problems.push(
        `${image} is pulled from ${region}'s registry (replicate it to ${service.recoveryRegion})`,
      );
      continue;
    }
    try {
      await awsCall(ctx, 'ecr:DescribeImages', (abortSignal) =>
        clients.ecr.send(
          new (sdk.ecr().DescribeImagesCommand)({
            registryId,
            repositoryName,
            imageIds: [digest ? { imageDigest: digest } : { imageTag: tag ?? 'latest' }],
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      if (error instanceof AwsCallError && /ImageNotFound|RepositoryNotFound/.test(error.awsName))
        problems.push(`${image} not in ${service.recoveryRegion} (${error.awsName})`);
      else throw error;
    }
  }
  if (problems.length > 0)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('image missing'),
      reason: `${r.id}: ${problems.join('; ')}`,
    };
  if (unchecked.length > 0)
    return {
      ...b,
      verdict: 'unknown',
      reason: `${r.id}: ${unchecked.join(', ')} not in ECR: its presence in ${service.recoveryRegion} is not measured`,
    };
  return {
    ...b,
    verdict: 'ready',
    measured: text('in the recovery Region'),
    reason: `${r.id}: ${images.length} image(s) of ${td.taskDefinition?.family}:${td.taskDefinition?.revision} present in ${service.recoveryRegion}'s ECR`,
  };
}

async function capacityCheck(
  r: EcsService,
  service: NamedService,
  clients: AwsClients,
  run: Run,
  s: Service,
): Promise<Check> {
  const b = base(r, 'capacity');
  let desired: number | undefined;
  let problem: string | undefined;
  if (r.capacity.percent !== undefined)
    try {
      const p = await describeService(
        bounded(run, OTHER_REGION_READ_MS),
        clients.forRegion(service.primaryRegion),
        ecsNames(r, true).source,
      );
      desired = p?.desiredCount;
      if (!p) problem = 'the primary service was not found';
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
  const target = targetCapacity(r, desired);
  const now = `desired ${s.desiredCount ?? 0}, running ${s.runningCount ?? 0}`;
  if (!target)
    return { ...b, verdict: 'unknown', reason: `${r.id}: target not measurable: ${problem} (${now})` };
  return {
    ...b,
    verdict: 'ready',
    measured: count(s.desiredCount ?? 0),
    target: count(target.capacity),
    reason: `${r.id}: target ${target.basis} tasks; now ${now}`,
  };
}
