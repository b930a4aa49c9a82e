import { z } from 'zod';
import { duration, id } from '../../plan/schema-fields.js';
import { accountRole } from '../../plan/schema-role.js';

/**
 * EC2 Auto Scaling group: a group per Region, the recovery one scaled up by a failover (and the primary one by a
 * failback) to a target capacity, absolute or a percentage of the other Region's group (as ARC Region switch's
 * EC2 Auto Scaling execution block does).
 */

const groupName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^:]+$/, 'expected an Auto Scaling group name (not an ARN)');

/** A target capacity: absolute, or a percentage of the other Region's (shared by the kinds that scale). */
export const autoscalingCapacity = z
  .strictObject({
    desired: z.number().int().min(0).optional().describe('absolute target capacity (instances)'),
    percent: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .optional()
      .describe("target as a percentage of the other Region's group's desired capacity"),
    min: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('with percent: at least this many, and the target when the other Region cannot be read'),
  })
  .superRefine((c, ctx) => {
    if ((c.desired === undefined) === (c.percent === undefined))
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of desired or percent' });
    if (c.desired !== undefined && c.min !== undefined)
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'min applies to percent only' });
  });

export const autoscalingGroup = z.strictObject({
  id,
  description: z.string().optional(),
  kind: z.literal('autoscaling-group'),
  role: accountRole.optional(),
  primaryGroupName: groupName.describe('the group in the primary Region'),
  recoveryGroupName: groupName.describe('the group in the recovery Region'),
  capacity: autoscalingCapacity,
});

export const autoscalingStep = z.strictObject({
  id,
  description: z.string().optional(),
  estimate: duration.optional(),
  timeout: duration.optional(),
  kind: z.literal('autoscaling-group'),
  resource: id,
});

export type AutoscalingGroup = z.output<typeof autoscalingGroup>;
export type AutoscalingStep = z.output<typeof autoscalingStep>;
export type Capacity = z.output<typeof autoscalingCapacity>;
