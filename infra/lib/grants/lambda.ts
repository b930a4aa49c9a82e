import type { PolicyStatementSpec } from '../policy-spec.js';
import { type ResourceContext, sid } from './context.js';

/**
 * Lambda function: readiness reads each declared function (GetFunction) and checks the bot may invoke it (Invoke
 * with InvocationType DryRun, authorised as lambda:InvokeFunction); a lambda-invoke step invokes it. Both on the
 * unqualified function ARNs the plan names (the steps invoke unqualified names), in the Region of each.
 */
export function lambdaStatements(ctx: ResourceContext<'lambda-function'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const fn = (region: string, name: string) =>
    `arn:${s.partition}:lambda:${region}:${s.account}:function:${name}`;
  const arns = [
    ...(r.recoveryFunction ? [fn(s.recoveryRegion, r.recoveryFunction)] : []),
    ...(r.primaryFunction ? [fn(s.primaryRegion, r.primaryFunction)] : []),
  ];
  return [
    { sid: sid(ctx, 'LambdaRead'), actions: ['lambda:GetFunction'], resources: arns },
    { sid: sid(ctx, 'LambdaInvoke'), actions: ['lambda:InvokeFunction'], resources: arns },
  ];
}
