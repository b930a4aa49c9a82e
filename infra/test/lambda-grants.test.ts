import { describe, expect, it } from 'vitest';
import { lambdaPlan } from '../../test/kinds/lambda-fixture.js';
import { policyStatementsForPlan } from '../lib/permissions.js';
import { allows } from './helpers.js';

const fn = (region: string, name: string) => `arn:aws:lambda:${region}:123456789012:function:${name}`;

describe('IAM grants of a lambda-function resource', () => {
  const statements = policyStatementsForPlan(lambdaPlan());

  it('lets the bot read and invoke each declared function in its own Region, and nothing else', () => {
    for (const [region, name] of [
      ['us-west-2', 'shop-warm-caches'],
      ['us-east-1', 'shop-cleanup'],
    ] as const) {
      expect(allows(statements, 'lambda:InvokeFunction', fn(region, name))).toBe(true);
      expect(allows(statements, 'lambda:GetFunction', fn(region, name))).toBe(true);
    }
    expect(allows(statements, 'lambda:InvokeFunction', fn('us-east-1', 'shop-warm-caches'))).toBe(false);
    expect(allows(statements, 'lambda:InvokeFunction', fn('us-west-2', 'other'))).toBe(false);
    const lambdaStatements = statements.filter((s) => s.actions.some((a) => a.startsWith('lambda:')));
    expect(lambdaStatements.flatMap((s) => s.resources)).not.toContain('*');
    expect(lambdaStatements.flatMap((s) => s.actions).sort()).toEqual([
      'lambda:GetFunction',
      'lambda:InvokeFunction',
    ]);
  });
});
