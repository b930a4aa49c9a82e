import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { recoveryOrder, waitsFor } from '../../src/plan/order.js';

// The example plan without its own `after:` line, so each test writes the one it needs.
const example = readFileSync('dr-plan.example.yml', 'utf8').replace(/^ {4}after: .*\n/m, '');
const PAYMENTS_AT = '    runbookUrl: https://wiki.example.com/runbooks/payments\n';
const ACCOUNTS_AT = '    channel: C0ACCOUNTS\n';

const withAfter = (payments?: string, accounts?: string) => {
  let text = example;
  if (payments !== undefined) text = text.replace(PAYMENTS_AT, `${PAYMENTS_AT}    after: ${payments}\n`);
  if (accounts !== undefined) text = text.replace(ACCOUNTS_AT, `${ACCOUNTS_AT}    after: ${accounts}\n`);
  return text;
};

function problemsOf(text: string) {
  try {
    parsePlan(text, 'plan.yml');
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

const lineOf = (text: string, needle: string, from = 0) =>
  text.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;

describe('plan: after (order across services)', () => {
  it('accepts after: naming another service and keeps it', () => {
    const plan = parsePlan(withAfter('[accounts]'), 'plan.yml');
    expect(plan.services.payments?.after).toEqual(['accounts']);
    expect(plan.services.accounts?.after).toBeUndefined();
  });

  it('leaves the hash of a plan without after: unchanged (no default is added)', () => {
    const plain = parsePlan(example, 'plan.yml');
    expect(plain.services.payments).not.toHaveProperty('after');
    expect(parsePlan(withAfter('[accounts]'), 'plan.yml').hash).not.toBe(plain.hash);
  });

  it('refuses an unknown service at file:line:column of the entry, naming the field', () => {
    const text = withAfter('[acounts]');
    const problems = problemsOf(text);
    const line = lineOf(text, 'after: [acounts]');
    expect(problems).toEqual([
      expect.objectContaining({ file: 'plan.yml', line, column: 13, path: 'services.payments.after[0]' }),
    ]);
    expect(problems[0]?.message).toMatch(/"acounts" is not one/);
  });

  it('refuses a service after itself and a name listed twice', () => {
    const problems = problemsOf(withAfter('[payments, accounts, accounts]'));
    expect(problems.map((p) => p.path)).toEqual(['services.payments.after[0]', 'services.payments.after[2]']);
    expect(problems[0]?.message).toMatch(/itself/);
    expect(problems[1]?.message).toMatch(/twice/);
  });

  it('refuses a cycle between services, at the entry that closes it', () => {
    const text = withAfter('[accounts]', '[payments]');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      path: 'services.payments.after[0]',
      line: lineOf(text, 'after: [accounts]'),
      column: 13,
    });
    expect(problems[0]?.message).toBe(
      'a cycle: payments after accounts after payments; no order can satisfy it',
    );
  });

  it('refuses a longer cycle once', () => {
    const services = {
      a: { after: ['c'] },
      b: { after: ['a'] },
      c: { after: ['b'] },
    };
    // through the plan loader: three services copied from accounts
    const block = example.slice(example.indexOf('  accounts:\n'));
    const body = block.slice('  accounts:\n'.length);
    let text = example.slice(0, example.indexOf('  accounts:\n'));
    for (const [name, { after }] of Object.entries(services))
      text += `  ${name}:\n${body.replace(ACCOUNTS_AT, `${ACCOUNTS_AT}    after: [${after.join(', ')}]\n`)}`;
    const problems = problemsOf(text);
    expect(problems.map((p) => p.message)).toEqual([
      'a cycle: a after c after b after a; no order can satisfy it',
    ]);
  });
});

describe('recoveryOrder', () => {
  const plan = {
    services: {
      web: { after: ['payments', 'accounts'] },
      payments: { after: ['accounts'] },
      accounts: {},
      reports: { after: ['ledger-outside-request'] },
    },
  } as unknown as Parameters<typeof recoveryOrder>[0];

  it('runs every service after those it names, whatever the request order', () => {
    expect(recoveryOrder(plan, ['web', 'payments', 'accounts'])).toEqual(['accounts', 'payments', 'web']);
    expect(recoveryOrder(plan, ['payments', 'web', 'accounts'])).toEqual(['accounts', 'payments', 'web']);
  });

  it('runs a failback in the reverse order', () => {
    expect(recoveryOrder(plan, ['accounts', 'web', 'payments'], 'failback')).toEqual([
      'web',
      'payments',
      'accounts',
    ]);
  });

  it('ignores services outside the request and keeps the request order between independent ones', () => {
    expect(recoveryOrder(plan, ['reports', 'payments'])).toEqual(['reports', 'payments']);
    expect(recoveryOrder(plan, ['web'])).toEqual(['web']);
  });

  it('says which services of the request one waits for', () => {
    expect(waitsFor(plan, ['web', 'payments', 'accounts'], 'web')).toEqual(['payments', 'accounts']);
    expect(waitsFor(plan, ['web', 'accounts'], 'accounts', 'failback')).toEqual(['web']);
    expect(waitsFor(plan, ['web', 'accounts'], 'web', 'failback')).toEqual([]);
  });
});
