import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanError, parsePlan } from '../../src/plan/load.js';

const example = readFileSync('dr-plan.example.yml', 'utf8');
const CAPACITY = '        capacity: { percent: 100, min: 2 }';

function problemsOf(text: string) {
  try {
    parsePlan(text, 'plan.yml');
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

describe('autoscaling-group in the DR plan', () => {
  it('loads the example plan’s Auto Scaling group and its step', () => {
    const plan = parsePlan(example, 'plan.yml');
    const payments = plan.services.payments;
    expect(payments?.resources.find((r) => r.id === 'payments-workers')).toMatchObject({
      kind: 'autoscaling-group',
      capacity: { percent: 100, min: 2 },
    });
  });

  it('refuses both desired and percent, at the capacity line', () => {
    const text = example.replace(CAPACITY, '        capacity: { percent: 100, desired: 4 }');
    const line = text.split('\n').findIndex((l) => l.includes('desired: 4 }')) + 1;
    const problems = problemsOf(text);
    expect(problems).toEqual([
      expect.objectContaining({
        line,
        path: 'services.payments.resources[2].capacity',
        message: 'expected exactly one of desired or percent',
      }),
    ]);
    expect(new PlanError(problems).message).toContain(`plan.yml:${line}:`);
  });

  it('refuses a group ARN where a name is expected, and an unknown key, each where it is written', () => {
    const text = example
      .replace(
        'primaryGroupName: payments-workers-use1',
        'primaryGroupName: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/w"',
      )
      .replace(CAPACITY, `${CAPACITY}\n        desiredCapacity: 4`);
    const lines = text.split('\n');
    const problems = problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: lines.findIndex((l) => l.includes('primaryGroupName: "arn')) + 1,
          message: 'expected an Auto Scaling group name (not an ARN)',
        }),
        expect.objectContaining({
          line: lines.findIndex((l) => l.includes('desiredCapacity: 4')) + 1,
          column: 9,
          path: 'services.payments.resources[2].desiredCapacity',
        }),
      ]),
    );
  });

  it('refuses a step naming a resource of another kind', () => {
    const text = example.replace(
      '              resource: payments-workers\n',
      '              resource: payments-api\n',
    );
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('autoscaling-group') }),
    ]);
  });
});
