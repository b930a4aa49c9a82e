import { randomUUID } from 'node:crypto';
import type { DescribeImagesCommandInput, DescribeImagesCommandOutput } from '@aws-sdk/client-ecr';
import type {
  DescribeServicesCommandInput,
  DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput,
  Service,
  UpdateServiceCommandInput,
  UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import { DURATIONS } from './durations.js';
import type { EcsServiceModel } from './ecs-state.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import { emitChange, regionUp, rkey, type World } from './world.js';

/**
 * Amazon ECS services and ECR images (FIDELITY.md, "Amazon ECS and ECR"): a service starts or stops tasks
 * until its running count is its desired count, reporting each in its events; a task whose image cannot be
 * pulled, or that finds no Fargate capacity, is an event saying so, retried later.
 */

/** Stricter than AWS, which documents no interval: a failed start is tried again after this (simulated). */
export const TASK_RETRY_MS = 30_000;
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]+))?$/;

function event(w: World, s: EcsServiceModel, message: string): void {
  s.events.push({ id: randomUUID(), at: w.time.now(), message: `(service ${s.name}) ${message}` });
  if (s.events.length > 100) s.events.shift();
}

/** Why the service's tasks cannot start now, in ECS's words, or undefined. */
function startRefusal(w: World, s: EcsServiceModel): string | undefined {
  if (s.launchType === 'FARGATE' && w.autoscaling.shortages.has(`${s.region}/fargate`))
    return 'was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone.';
  const td = w.ecs.taskDefinitions.get(s.taskDefinition);
  for (const c of td?.containers ?? []) {
    const m = ECR_IMAGE.exec(c.image);
    if (!m) continue;
    const [, , region = '', repo = '', tag, digest] = m;
    const found =
      regionUp(w, region) &&
      w.ecs.repositories
        .get(rkey(region, repo))
        ?.images.some((i) => (digest ? i.digest === digest : i.tag === (tag ?? 'latest')));
    if (!found)
      return `failed to launch a task with (error CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${c.image}: not found).`;
  }
  return undefined;
}

export function advanceEcs(w: World): void {
  for (const s of w.ecs.services.values()) {
    if (s.status !== 'ACTIVE' || !regionUp(w, s.region)) continue;
    const live = s.tasks.length;
    if (live > s.desired) {
      const stopped = s.tasks.splice(s.desired);
      event(
        w,
        s,
        `has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${t.id})`).join(' ')}.`,
      );
    } else if (live < s.desired) {
      if (s.failedAt !== undefined && w.time.now() < s.failedAt + w.time.toClock(TASK_RETRY_MS)) continue;
      const refused = startRefusal(w, s);
      if (refused) {
        s.failedAt = w.time.now();
        event(w, s, refused);
        continue;
      }
      delete s.failedAt;
      const started = Array.from({ length: s.desired - live }, () => ({
        id: randomUUID().replace(/-/g, ''),
        state: 'PENDING' as const,
      }));
      s.tasks.push(...started);
      event(w, s, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`);
      w.scheduler.at(w.time.now() + w.time.toClock(DURATIONS.ecsTaskStart), () => {
        for (const t of s.tasks) if (started.some((x) => x.id === t.id)) t.state = 'RUNNING';
        emitChange(w, 'ecs-service', s.name, { region: s.region, running: s.tasks.length });
      });
    } else if (
      s.tasks.every((t) => t.state === 'RUNNING') &&
      !s.events.at(-1)?.message.endsWith('has reached a steady state.')
    )
      event(w, s, 'has reached a steady state.');
  }
}

function shape(w: World, s: EcsServiceModel): Service {
  const running = s.tasks.filter((t) => t.state === 'RUNNING').length;
  const pending = s.tasks.length - running;
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: `arn:aws:ecs:${s.region}:${w.account}:cluster/${s.cluster}`,
    status: s.status,
    desiredCount: s.desired,
    runningCount: running,
    pendingCount: pending,
    launchType: s.launchType,
    taskDefinition: s.taskDefinition,
    createdAt: new Date(s.createdAt),
    deployments: [
      {
        id: `ecs-svc/${s.arn.length}${s.name.length}`,
        status: 'PRIMARY',
        taskDefinition: s.taskDefinition,
        desiredCount: s.desired,
        runningCount: running,
        pendingCount: pending,
        rolloutState: 'COMPLETED',
        launchType: s.launchType,
      },
    ],
    events: [...s.events].reverse().map((e) => ({ id: e.id, createdAt: new Date(e.at), message: e.message })),
  };
}

function serviceOf(w: World, region: string, cluster: string | undefined, name: string | undefined) {
  const c = (cluster ?? 'default').split('/').at(-1) ?? '';
  if (!w.ecs.clusters.has(rkey(region, c)))
    throw awsError('ecs', 'ClusterNotFoundException', 'Cluster not found.');
  return { cluster: c, service: w.ecs.services.get(rkey(region, `${c}/${(name ?? '').split('/').at(-1)}`)) };
}

export function registerEcs(registry: Registry): void {
  registry
    .on<DescribeServicesCommandInput, DescribeServicesCommandOutput>(
      'ecs:DescribeServices',
      (input, { world, region }) => {
        const services: Service[] = [];
        const failures: { arn: string; reason: string }[] = [];
        for (const name of input.services ?? []) {
          const { cluster, service } = serviceOf(world, region, input.cluster, name);
          if (service) services.push(shape(world, service));
          else
            failures.push({
              arn: `arn:aws:ecs:${region}:${world.account}:service/${cluster}/${name}`,
              reason: 'MISSING',
            });
        }
        return { services, failures };
      },
    )
    .on<UpdateServiceCommandInput, UpdateServiceCommandOutput>(
      'ecs:UpdateService',
      (input, { world, region }) => {
        const { service } = serviceOf(world, region, input.cluster, input.service);
        if (!service) throw awsError('ecs', 'ServiceNotFoundException', 'Service not found.');
        if (service.status !== 'ACTIVE')
          throw awsError('ecs', 'ServiceNotActiveException', 'Service was not ACTIVE.');
        if (input.desiredCount !== undefined) {
          if (input.desiredCount < 0)
            throw awsError('ecs', 'InvalidParameterException', 'desiredCount must be at least 0.');
          service.desired = input.desiredCount;
          emitChange(world, 'ecs-service', service.name, { region, desired: service.desired });
        }
        return { service: shape(world, service) };
      },
    )
    .on<DescribeTaskDefinitionCommandInput, DescribeTaskDefinitionCommandOutput>(
      'ecs:DescribeTaskDefinition',
      (input, { world, region }) => {
        const wanted = input.taskDefinition ?? '';
        const td = [...world.ecs.taskDefinitions.values()].find(
          (t) => t.region === region && (t.arn === wanted || `${t.family}:${t.revision}` === wanted),
        );
        if (!td) throw awsError('ecs', 'ClientException', 'Unable to describe task definition.');
        return {
          taskDefinition: {
            taskDefinitionArn: td.arn,
            family: td.family,
            revision: td.revision,
            cpu: td.cpu,
            memory: td.memory,
            status: 'ACTIVE',
            requiresCompatibilities: ['FARGATE'],
            containerDefinitions: td.containers.map((c) => ({
              name: c.name,
              image: c.image,
              essential: true,
            })),
          },
        };
      },
    )
    .on<DescribeImagesCommandInput, DescribeImagesCommandOutput>(
      'ecr:DescribeImages',
      (input, { world, region }) => {
        const repo = world.ecs.repositories.get(rkey(region, input.repositoryName ?? ''));
        if (!repo)
          throw awsError(
            'ecr',
            'RepositoryNotFoundException',
            `The repository with name '${input.repositoryName}' does not exist in the registry with id '${input.registryId ?? world.account}'`,
          );
        const ids = input.imageIds ?? [];
        const found =
          ids.length === 0
            ? repo.images
            : repo.images.filter((i) => ids.some((x) => x.imageDigest === i.digest || x.imageTag === i.tag));
        if (ids.length > 0 && found.length === 0)
          throw awsError(
            'ecr',
            'ImageNotFoundException',
            `The image with imageId {${ids.map((x) => `imageDigest:'${x.imageDigest ?? 'null'}', imageTag:'${x.imageTag ?? 'null'}'`).join(', ')}} does not exist within the repository with name '${repo.name}' in the registry with id '${world.account}'`,
          );
        return {
          imageDetails: found.map((i) => ({
            registryId: world.account,
            repositoryName: repo.name,
            imageDigest: i.digest,
            imageTags: [i.tag],
          })),
        };
      },
    );
}
