import { App } from 'aws-cdk-lib';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { LifeboatStack } from '../lib/lifeboat-stack.js';
import { resolveSettings } from '../lib/settings.js';
import { EXAMPLE_PLAN, REPO_ROOT, readPlan } from './helpers.js';

const CERT = 'arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-0000-4000-8000-000000000000';

/** AWS's own rule pack (cdk-nag AwsSolutions) on the stack synthesized from a plan; returns its errors. */
function nagErrors(planFile: string, context: Record<string, unknown>): string[] {
  const { plan, text } = readPlan(planFile);
  const app = new App({ context });
  const settings = resolveSettings(plan, (key) => app.node.tryGetContext(key), REPO_ROOT);
  const stack = new LifeboatStack(app, 'Lifeboat', {
    plan,
    planText: text,
    settings,
    image: ContainerImage.fromRegistry('example.com/lifeboat:test'),
  });
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  return report.violations
    .filter((v) => v.severity === 'error')
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

describe('cdk-nag AwsSolutions on the stack from dr-plan.example.yml', () => {
  it('reports no error in HTTP mode (load balancer)', () => {
    expect(nagErrors(EXAMPLE_PLAN, { certificateArn: CERT, domainName: 'lifeboat.example.com' })).toEqual([]);
  });

  it('reports no error in Socket Mode (no load balancer)', () => {
    expect(nagErrors(EXAMPLE_PLAN, { socketMode: 'true' })).toEqual([]);
  });
});
