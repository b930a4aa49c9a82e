import { createHash } from 'node:crypto';
import type { ResourceOf, Service } from '../../plan/schema.js';
import { rkey, type World } from './world.js';

/**
 * An ecs-service resource: a cluster per Region, the service in each on the same task definition family
 * (revision 7) whose image lives in that Region's ECR repository (replicated there). The primary serves
 * (its capacity: the plan's `desired`, else 3 tasks running); the recovery service is kept at 0 tasks.
 */
export function seedEcs(w: World, svc: Service, r: ResourceOf<'ecs-service'>): void {
  const now = w.time.now();
  const tag = '2026-12-01';
  const digest = `sha256:${createHash('sha256').update(r.serviceName).digest('hex')}`;
  const sides = [
    {
      region: svc.primaryRegion,
      cluster: r.primaryCluster,
      name: r.serviceName,
      size: r.capacity.desired ?? 3,
    },
    {
      region: svc.recoveryRegion,
      cluster: r.recoveryCluster,
      name: r.recoveryServiceName ?? r.serviceName,
      size: 0,
    },
  ];
  for (const { region, cluster, name, size } of sides) {
    w.ecs.clusters.add(rkey(region, cluster));
    const repo = r.serviceName;
    w.ecs.repositories.set(rkey(region, repo), { region, name: repo, images: [{ tag, digest }] });
    const arn = `arn:aws:ecs:${region}:${w.account}:task-definition/${r.serviceName}:7`;
    w.ecs.taskDefinitions.set(arn, {
      arn,
      region,
      family: r.serviceName,
      revision: 7,
      cpu: '512',
      memory: '1024',
      containers: [{ name: 'app', image: `${w.account}.dkr.ecr.${region}.amazonaws.com/${repo}:${tag}` }],
    });
    w.ecs.services.set(rkey(region, `${cluster}/${name}`), {
      cluster,
      name,
      region,
      arn: `arn:aws:ecs:${region}:${w.account}:service/${cluster}/${name}`,
      status: 'ACTIVE',
      desired: size,
      taskDefinition: arn,
      launchType: 'FARGATE',
      tasks: Array.from({ length: size }, (_, i) => ({
        id: `seed${i}${name.length}`,
        state: 'RUNNING' as const,
      })),
      events: [
        { id: `seed-${name}`, at: now - 3_600_000, message: `(service ${name}) has reached a steady state.` },
      ],
      createdAt: now - 30 * 86_400_000,
    });
  }
}
