import { describe, expect, it } from 'vitest';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { defaultFailback } from '../../src/runbook/stages.js';
import { LAMBDA_PLAN_TEXT, lambdaPlan } from './lambda-fixture.js';

function problemsOf(text: string) {
  try {
    parsePlan(text, 'plan.yml');
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('lambda-function and lambda-invoke in the DR plan', () => {
  it('loads the function per Region and the steps with their input', () => {
    const shop = lambdaPlan().services.shop;
    expect(shop?.resources[0]).toEqual({
      id: 'caches',
      kind: 'lambda-function',
      recoveryFunction: 'shop-warm-caches',
      primaryFunction: 'shop-cleanup',
    });
    expect(shop?.runbook.failover[0]).toMatchObject({
      kind: 'lambda-invoke',
      timeout: 120_000,
      input: { tier: 'gold', keys: 500 },
    });
  });

  it('refuses a function ARN where a name is expected, at its line', () => {
    const text = LAMBDA_PLAN_TEXT.replace(
      'recoveryFunction: shop-warm-caches',
      'recoveryFunction: "arn:aws:lambda:us-west-2:123456789012:function:shop-warm-caches"',
    );
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        line: lineOf(text, 'recoveryFunction: "arn'),
        path: 'services.shop.resources[0].recoveryFunction',
        message: expect.stringContaining('expected a Lambda function name'),
      }),
    ]);
  });

  it('refuses a resource with no function at all', () => {
    const text = LAMBDA_PLAN_TEXT.replace(
      ', recoveryFunction: shop-warm-caches, primaryFunction: shop-cleanup',
      '',
    );
    expect(problemsOf(text)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'expected recoveryFunction, primaryFunction or both' }),
      ]),
    );
  });

  it('refuses a failback step whose Region has no function declared, at the step', () => {
    const text = LAMBDA_PLAN_TEXT.replace(', primaryFunction: shop-cleanup', '');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        line: lineOf(text, 'id: cleanup'),
        path: 'services.shop.runbook.failback[0].resource',
        message: `step "cleanup" invokes caches's function in the primary Region (failback default), and caches has no primaryFunction`,
      }),
    ]);
  });

  it('accepts a failover clean-up step in the primary Region (region: primary)', () => {
    const text = LAMBDA_PLAN_TEXT.replace(
      '      failback:',
      '        - { id: fence, kind: lambda-invoke, resource: caches, region: primary }\n      failback:',
    );
    expect(parsePlan(text, 'plan.yml').services.shop?.runbook.failover[1]).toMatchObject({
      region: 'primary',
    });
  });

  it('a derived failback leaves the failover’s Lambda actions out (a clean-up is declared, not guessed)', () => {
    const text = LAMBDA_PLAN_TEXT.replace(/ {6}failback:\n.*\n/, '');
    const shop = parsePlan(text, 'plan.yml').services.shop;
    if (!shop) throw new Error('no service');
    expect(shop.runbook.failback).toBeUndefined();
    expect(defaultFailback({ ...shop, name: 'shop' })).toEqual([]);
  });
});
