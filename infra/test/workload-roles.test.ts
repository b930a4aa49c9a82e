import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import { planText, RECOVERY_ROLE, WORKLOAD } from '../../test/accounts/plan.js';
import { policyStatementsForPlan, workloadRoleStatements } from '../lib/permissions.js';
import { planRoleArns, trustPolicy } from '../lib/workload-roles.js';

const PRIMARY_ROLE = `arn:aws:iam::${WORKLOAD}:role/lifeboat-dr-use1`;

describe('grants for a service in another account (issue 17)', () => {
  const plan = parsePlan(planText, 'dr-plan.accounts.yml');

  it('gives the bot sts:AssumeRole on exactly the plan role ARNs, and none of the workload resources', () => {
    const bot = policyStatementsForPlan(plan);
    const assume = bot.filter((s) => s.actions.includes('sts:AssumeRole'));
    expect(assume).toEqual([
      { sid: 'AssumeWorkloadRoles', actions: ['sts:AssumeRole'], resources: [PRIMARY_ROLE, RECOVERY_ROLE] },
    ]);
    expect(bot.flatMap((s) => s.actions)).not.toContain('rds:PromoteReadReplica');
  });

  it('derives the workload role policy as the bot one would be', () => {
    const statements = workloadRoleStatements(plan, RECOVERY_ROLE);
    const promote = statements.find((s) => s.actions.includes('rds:PromoteReadReplica'));
    expect(promote?.resources.join(' ')).toContain(`arn:aws:rds:us-west-2:${WORKLOAD}:db:ledger-db-usw2`);
    expect(statements.flatMap((s) => s.actions)).not.toContain('sts:AssumeRole');
  });

  it('writes the trust policy with the bot role as principal and the external id condition', () => {
    const [role] = planRoleArns(plan);
    expect(trustPolicy('arn:aws:iam::123456789012:role/bot', role?.externalId)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:role/bot' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'lifeboat-ledger-7f3a' } },
        },
      ],
    });
  });

  it('leaves a plan without roles with the same grants and no AssumeRole', () => {
    const without = parsePlan(planText.replace(/ {4}role:\n(?: {6}[^\n]*\n)+/, ''), 'x.yml');
    expect(policyStatementsForPlan(without).flatMap((s) => s.actions)).not.toContain('sts:AssumeRole');
    expect(policyStatementsForPlan(without).flatMap((s) => s.actions)).toContain('rds:PromoteReadReplica');
  });
});
