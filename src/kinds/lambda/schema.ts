import { z } from 'zod';
import { duration, id } from '../../plan/schema-fields.js';

/**
 * Lambda function: a custom action a runbook step invokes synchronously, the recovery Region's function in a
 * failover (e.g. warm caches, tell a partner), the primary Region's in a failback or for a clean-up step.
 */

/** A function name as Invoke takes it unqualified: letters, digits, hyphens and underscores, 1-64 (CreateFunction). */
const functionName = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    'expected a Lambda function name (letters, digits, hyphens, underscores; at most 64; not an ARN)',
  );

export const lambdaFunction = z
  .strictObject({
    id,
    description: z.string().optional(),
    kind: z.literal('lambda-function'),
    recoveryFunction: functionName
      .optional()
      .describe('the function in the recovery Region (steps that act there, e.g. a failover)'),
    primaryFunction: functionName
      .optional()
      .describe('the function in the primary Region (steps that act there: a failback, or a clean-up)'),
  })
  .refine((r) => r.recoveryFunction !== undefined || r.primaryFunction !== undefined, {
    message: 'expected recoveryFunction, primaryFunction or both',
    path: ['recoveryFunction'],
  });

/** Scalars only: the step's `input` stays small and plain (the context Lifeboat adds is the point). */
const inputValue = z.union([z.string().max(1_000), z.number(), z.boolean(), z.null()]);

export const lambdaStep = z.strictObject({
  id,
  description: z.string().optional(),
  estimate: duration.optional(),
  timeout: duration
    .optional()
    .describe('how long the invocation may take before the step pauses (default 5m; Lambda allows 15m)'),
  kind: z.literal('lambda-invoke'),
  resource: id,
  region: z
    .enum(['recovery', 'primary'])
    .optional()
    .describe('the Region whose function is invoked; default: the Region the runbook moves to'),
  input: z
    .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), inputValue)
    .refine((o) => Object.keys(o).length <= 50, 'expected at most 50 input fields')
    .optional()
    .describe('fields passed to the function as `input`, beside the execution context'),
});

export type LambdaFunction = z.output<typeof lambdaFunction>;
export type LambdaStep = z.output<typeof lambdaStep>;

/** Which Region's function a step invokes: its `region`, else the Region the runbook moves to. */
export function invokedSide(step: LambdaStep, kind: 'failover' | 'failback'): 'recovery' | 'primary' {
  return step.region ?? (kind === 'failover' ? 'recovery' : 'primary');
}

/** The function a step invokes on that side, or undefined when the resource declares none there. */
export const functionOn = (r: LambdaFunction, side: 'recovery' | 'primary'): string | undefined =>
  side === 'recovery' ? r.recoveryFunction : r.primaryFunction;

/** A plan problem of a lambda-invoke step in a runbook: its Region's function is not declared. */
export function lambdaStepProblem(
  r: LambdaFunction,
  step: LambdaStep,
  kind: 'failover' | 'failback',
): string | undefined {
  const side = invokedSide(step, kind);
  if (functionOn(r, side) !== undefined) return undefined;
  return `step "${step.id}" invokes ${r.id}'s function in the ${side} Region (${kind}${step.region ? '' : ' default'}), and ${r.id} has no ${side}Function`;
}
