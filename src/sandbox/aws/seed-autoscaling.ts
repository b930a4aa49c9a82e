import type { ResourceOf, Service } from '../../plan/schema.js';
import { seedGroup } from './autoscaling.js';
import { nextId, type World } from './world.js';

const DAY = 86_400_000;

/**
 * Both Regions' groups of an autoscaling-group resource, each with its launch template on an AMI of its
 * Region: the primary's serving (its capacity: the plan's `desired`, else 4), the recovery one kept at
 * min 0 / max 0 / desired 0 (pilot light), so a failover has to raise its MaxSize.
 */
export function seedAutoscaling(w: World, svc: Service, r: ResourceOf<'autoscaling-group'>): void {
  const now = w.time.now();
  const type = 'm6i.large';
  const groups = [
    { region: svc.primaryRegion, name: r.primaryGroupName, size: r.capacity.desired ?? 4 },
    { region: svc.recoveryRegion, name: r.recoveryGroupName, size: 0 },
  ];
  for (const { region, name, size } of groups) {
    const imageId = nextId(w, 'ami-');
    w.ec2.images.push({
      id: imageId,
      region,
      name: `${name}-image`,
      createdAt: now - 3 * DAY,
      tags: {},
      snapshotIds: [],
    });
    const templateId = nextId(w, 'lt-');
    w.ec2.launchTemplates.push({
      id: templateId,
      name: name,
      region,
      createdAt: now - 30 * DAY,
      defaultVersion: 1,
      versions: [{ number: 1, imageId, instanceType: type, createdAt: now - 30 * DAY }],
    });
    seedGroup(
      w,
      {
        name,
        region,
        min: size > 0 ? 1 : 0,
        max: size,
        desired: size,
        launchTemplate: { id: templateId, version: '$Default' },
        subnets: [nextId(w, 'subnet-'), nextId(w, 'subnet-')],
      },
      type,
      imageId,
    );
  }
}
