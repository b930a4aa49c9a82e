import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { DATASTORES_PLAN } from './datastores-fixture.js';

const example = readFileSync(DATASTORES_PLAN, 'utf8');

function problemsOf(text: string) {
  try {
    parsePlan(text, 'plan.yml');
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

describe('elasticache-global-datastore and docdb-global-cluster in the DR plan', () => {
  it('loads the second example plan’s resources and steps', () => {
    const storefront = parsePlan(example, 'plan.yml').services.storefront;
    expect(storefront?.resources.map((r) => r.kind)).toEqual([
      'elasticache-global-datastore',
      'docdb-global-cluster',
    ]);
  });

  it('refuses a replication group ARN where an id is expected, and a cluster id where an ARN is, each where it is written', () => {
    const text = example
      .replace(
        'recoveryReplicationGroupId: sessions-usw2',
        'recoveryReplicationGroupId: "arn:aws:elasticache:us-west-2:123456789012:replicationgroup:sessions-usw2"',
      )
      .replace(
        'recoveryClusterArn: arn:aws:rds:us-west-2:123456789012:cluster:catalog-usw2',
        'recoveryClusterArn: catalog-usw2',
      );
    const lines = text.split('\n');
    const problems = problemsOf(text);
    const group = lines.findIndex((l) => l.includes('recoveryReplicationGroupId')) + 1;
    const cluster = lines.findIndex((l) => l.includes('recoveryClusterArn')) + 1;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: group,
          message: 'expected a replication group id (letters, digits, hyphens; not an ARN)',
          path: 'services.storefront.resources[0].recoveryReplicationGroupId',
        }),
        expect.objectContaining({
          line: cluster,
          path: 'services.storefront.resources[1].recoveryClusterArn',
        }),
      ]),
    );
    expect(new Set(problems.map((p) => p.line))).toEqual(new Set([group, cluster]));
    expect(new PlanError(problems).message).toContain(`plan.yml:${group}:`);
  });

  it('refuses an elasticache step on a DocumentDB resource', () => {
    const text = example.replace(
      '              kind: elasticache-global-datastore\n              resource: storefront-sessions',
      '              kind: elasticache-global-datastore\n              resource: storefront-catalog',
    );
    expect(
      problemsOf(text)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/storefront-catalog/);
  });
});
