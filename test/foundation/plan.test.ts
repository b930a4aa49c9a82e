import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlanFile, PlanError, parsePlan } from '../../src/plan/load.js';

const example = readFileSync('dr-plan.example.yml', 'utf8');

function problemsOf(text: string) {
  try {
    parsePlan(text, 'plan.yml');
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

describe('DR plan', () => {
  it('loads the example plan with defaults applied', async () => {
    const plan = await loadPlanFile('dr-plan.example.yml');

    expect(Object.keys(plan.services)).toEqual(['payments', 'accounts']);
    expect(plan.services.payments?.rpo).toBe(60_000);
    expect(plan.defaults.requestTtl).toBe(30 * 60_000);
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names line, column and field for a wrong type', () => {
    const text = example.replace('    rpo: 1m\n    rto: 15m', '    rpo: 1m\n    rto: 15');
    const [problem] = problemsOf(text);
    const line = text.split('\n').indexOf('    rto: 15') + 1;

    expect(problem).toMatchObject({ file: 'plan.yml', line, column: 10, path: 'services.payments.rto' });
    expect(problem?.message).toMatch(/expected a duration/);
  });

  it('names the enclosing object for a missing field', () => {
    const text = example.replace('    channel: C0ACCOUNTS\n', '');
    const problems = problemsOf(text);

    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('services.accounts.channel');
    expect(problems[0]?.message).toMatch(/missing required field/);
    const accountsLine =
      text.split('\n').findIndex((l) => l.startsWith('    description: Customer accounts')) + 1;
    expect(problems[0]?.line).toBe(accountsLine);
  });

  it('rejects an unknown key at the key itself, so a typo never disables a check', () => {
    const text = example.replace(
      '        tableName: payments-ledger',
      '        tableName: payments-ledger\n        canery: { enabled: true }',
    );
    const problems = problemsOf(text);
    const line = text.split('\n').findIndex((l) => l.includes('canery')) + 1;

    expect(problems).toEqual([
      expect.objectContaining({ line, column: 9, path: 'services.payments.resources[5].canery' }),
    ]);
    expect(String(new PlanError(problems).message)).toContain(
      `plan.yml:${line}:9 services.payments.resources[5].canery`,
    );
  });

  it('refuses routeAccessPoint, which no step carries out yet, instead of ignoring it', () => {
    const text = example.replace(
      '              kind: s3\n              resource: payments-receipts\n',
      '              kind: s3\n              resource: payments-receipts\n              routeAccessPoint: true\n',
    );
    const problems = problemsOf(text);
    const line = text.split('\n').findIndex((l) => l.includes('routeAccessPoint')) + 1;

    expect(problems).toEqual([
      expect.objectContaining({ line, message: expect.stringMatching(/not automated yet.*by hand/) }),
    ]);
    expect(problems[0]?.path).toMatch(/routeAccessPoint$/);
  });

  it('checks references between runbook steps and resources', () => {
    const text = example.replace(
      '          resource: payments-routing\n',
      '          resource: payments-db\n',
    );
    const problems = problemsOf(text);

    expect(problems.map((p) => p.message)).toEqual([
      'expected a arc-routing-control resource for a arc-routing-control step; "payments-db" is aurora-global-cluster',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf('version: 1\nservices:\n  a: [unclosed\n');
    expect(problems[0]?.line).toBeGreaterThan(1);
  });

  it('keeps the hash stable across key order and formatting, and changes it with content', () => {
    const base = parsePlan(example);
    const reordered = parsePlan(
      example
        .replace('version: 1\naccount: "123456789012"\n', 'account: "123456789012"\nversion: 1\n')
        .replace('    rpo: 1m\n    rto: 15m', '    rto: 15m   # same target\n    rpo: 60s'),
    );
    const changed = parsePlan(example.replace('    rto: 15m', '    rto: 16m'));

    expect(reordered.hash).toBe(base.hash);
    expect(changed.hash).not.toBe(base.hash);
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadPlanFile('no/such/plan.yml')).rejects.toThrow(
      'no/such/plan.yml:1:1 (root): cannot read the plan: file not found',
    );
  });
});
