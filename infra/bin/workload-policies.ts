#!/usr/bin/env node
/**
 * Prints, for each IAM role the plan names (docs/deploy.md, "Services in other accounts"), the trust policy and the
 * permissions policy to create on it in the workload account, derived from the plan as the bot's own are:
 *   npx tsx infra/bin/workload-policies.ts dr-plan.yml arn:aws:iam::123456789012:role/<BotRoleArn output>
 */
import { loadPlanFile } from '../../src/plan/load.js';
import { workloadRoleStatements } from '../lib/permissions.js';
import { planRoleArns, policyDocument, trustPolicy } from '../lib/workload-roles.js';

async function main(): Promise<void> {
  const [planFile = 'dr-plan.yml', botRoleArn = '<BotRoleArn output of the Lifeboat stack>'] =
    process.argv.slice(2);
  const plan = await loadPlanFile(planFile);
  const roles = planRoleArns(plan).map(({ roleArn, externalId }) => ({
    roleArn,
    trustPolicy: trustPolicy(botRoleArn, externalId),
    permissionsPolicy: policyDocument(workloadRoleStatements(plan, roleArn)),
  }));
  process.stdout.write(`${JSON.stringify(roles, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
