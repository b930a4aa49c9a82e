import { z } from 'zod';
import { autoscalingStep } from '../kinds/autoscaling/schema.js';
import { docdbStep } from '../kinds/docdb/schema.js';
import { ecsStep } from '../kinds/ecs/schema.js';
import { elasticacheStep } from '../kinds/elasticache/schema.js';
import { lambdaStep } from '../kinds/lambda/schema.js';
import { duration, id } from './schema-fields.js';

/** Runbook steps, parallel groups and the failover/failback runbooks of a service. */

const stepBase = {
  id,
  description: z.string().optional(),
  estimate: duration.optional(),
  timeout: duration.optional(),
};

/** Step kinds and the resource kind each acts on (undefined: no resource). */
export const STEP_RESOURCE_KIND = {
  'aurora-global': 'aurora-global-cluster',
  'rds-promote-replica': 'rds-instance',
  ec2: 'ec2',
  'dynamodb-global-table': 'dynamodb-global-table',
  s3: 's3-bucket',
  route53: 'route53',
  'arc-routing-control': 'arc-routing-control',
  'autoscaling-group': 'autoscaling-group',
  'ecs-service': 'ecs-service',
  'lambda-invoke': 'lambda-function',
  'elasticache-global-datastore': 'elasticache-global-datastore',
  'docdb-global-cluster': 'docdb-global-cluster',
  wait: undefined,
  verify: undefined,
  notify: undefined,
} as const;

export const step = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...stepBase, kind: z.literal('aurora-global'), resource: id }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('rds-promote-replica'),
      resource: id,
      acceptStandalone: z
        .boolean()
        .optional()
        .describe(
          'failover only: count a recovery instance that is already standalone as promoted, with the data it has',
        ),
    }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('ec2'),
      resource: id,
      action: z
        .enum(['start-instances', 'set-capacity', 'launch-from-ami', 'stop-recovery'])
        .default('start-instances')
        .describe('stop-recovery (failback only): stop the recovery-Region instances the failover started'),
    }),
    z.strictObject({ ...stepBase, kind: z.literal('dynamodb-global-table'), resource: id }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('s3'),
      resource: id,
      // Not automated yet: refused rather than accepted and silently not done.
      routeAccessPoint: z
        .boolean()
        .default(false)
        .refine((route) => !route, {
          message:
            'routing a Multi-Region Access Point is not automated yet: remove routeAccessPoint and route it by hand (docs/plan.md)',
        }),
    }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('route53'),
      resource: id,
      action: z.enum(['fail-health-check', 'update-record']).default('fail-health-check'),
    }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('arc-routing-control'),
      resource: id,
      safetyRulesToOverride: z
        .array(
          z
            .string()
            .regex(/^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/.+\/safetyrule\/.+$/),
        )
        .default([])
        .describe('break glass: safety rules this step may override (audited with the step)'),
    }),
    autoscalingStep,
    ecsStep,
    lambdaStep,
    elasticacheStep,
    docdbStep,
    z.strictObject({ ...stepBase, kind: z.literal('wait'), duration }),
    z
      .strictObject({
        ...stepBase,
        kind: z.literal('verify'),
        healthCheckId: z.string().optional(),
        alarmName: z.string().optional(),
      })
      .refine((s) => s.healthCheckId !== undefined || s.alarmName !== undefined, {
        message: 'expected healthCheckId or alarmName',
      }),
    z.strictObject({ ...stepBase, kind: z.literal('notify'), message: z.string().min(1).max(2_000) }),
  ],
  { error: `expected kind to be one of ${Object.keys(STEP_RESOURCE_KIND).join(', ')}` },
);

export const runbookEntry = z.union([step, z.strictObject({ parallel: z.array(step).min(2) })], {
  error: 'expected a step (with id and kind) or a { parallel: [steps] } group',
});

/** Each step of a runbook with its path in the plan (`failover.1.parallel.0`). */
const located = (name: 'failover' | 'failback', entries: readonly z.output<typeof runbookEntry>[] = []) =>
  entries.flatMap((entry, i) =>
    'parallel' in entry
      ? entry.parallel.map((s, j) => ({ step: s, path: [name, i, 'parallel', j] }))
      : [{ step: entry, path: [name, i] }],
  );

export const runbook = z
  .strictObject({
    failover: z.array(runbookEntry).min(1),
    failback: z.array(runbookEntry).min(1).optional(),
  })
  .superRefine((value, ctx) => {
    for (const { step: s, path } of located('failover', value.failover))
      if (s.kind === 'ec2' && s.action === 'stop-recovery')
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'action'],
          message:
            'expected start-instances, set-capacity or launch-from-ami: stop-recovery is a failback action',
        });
    for (const { step: s, path } of located('failback', value.failback))
      if (s.kind === 'rds-promote-replica' && s.acceptStandalone !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'acceptStandalone'],
          message: 'acceptStandalone applies to runbook.failover only',
        });
  });
