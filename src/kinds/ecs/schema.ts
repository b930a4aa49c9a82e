import { z } from 'zod';
import { duration, id } from '../../plan/schema-fields.js';
import { accountRole } from '../../plan/schema-role.js';
import { autoscalingCapacity } from '../autoscaling/schema.js';

/**
 * ECS service (Fargate or EC2): the same service in a cluster per Region, the target Region's scaled by a
 * failover (failback: the primary's) to a desired count, absolute or a percentage of the other Region's.
 */

const name = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected a name of letters, digits, hyphens and underscores (not an ARN)');

export const ecsService = z.strictObject({
  id,
  description: z.string().optional(),
  kind: z.literal('ecs-service'),
  role: accountRole.optional(),
  primaryCluster: name.describe('cluster in the primary Region'),
  recoveryCluster: name.describe('cluster in the recovery Region'),
  serviceName: name.describe('the service, named alike in both clusters unless recoveryServiceName is given'),
  recoveryServiceName: name.optional(),
  capacity: autoscalingCapacity,
});

export const ecsStep = z.strictObject({
  id,
  description: z.string().optional(),
  estimate: duration.optional(),
  timeout: duration.optional(),
  kind: z.literal('ecs-service'),
  resource: id,
});

export type EcsService = z.output<typeof ecsService>;
export type EcsStep = z.output<typeof ecsStep>;

/** Cluster and service names in the Region a step acts in (target) and the one it comes from (source). */
export function ecsNames(r: EcsService, toRecovery: boolean) {
  const primary = { cluster: r.primaryCluster, service: r.serviceName };
  const recovery = { cluster: r.recoveryCluster, service: r.recoveryServiceName ?? r.serviceName };
  return toRecovery ? { target: recovery, source: primary } : { target: primary, source: recovery };
}
