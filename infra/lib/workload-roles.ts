import type { ParsedPlan, Resource, Service } from '../../src/plan/schema.js';
import { type AccountRole, accountOfRole, roleOf } from '../../src/plan/schema-role.js';
import type { PolicyStatementSpec } from './policy-spec.js';

/**
 * Other accounts (docs/deploy.md, "Services in other accounts"): the resources of a service (or resource) whose
 * plan entry names a role are reached through that role, so their permissions belong to the role in the workload
 * account, not to the bot's task role; the bot's role gets sts:AssumeRole on exactly the plan's role ARNs.
 */

const roleOfResource = (service: Service, resource: Resource): AccountRole | undefined =>
  roleOf(resource) ?? service.role;

/** The plan as the bot's own credentials see it: only the resources no role stands in front of. */
export function planWithoutRoles(plan: ParsedPlan): ParsedPlan {
  const services = Object.fromEntries(
    Object.entries(plan.services).map(([name, s]) => [
      name,
      { ...s, resources: s.resources.filter((r) => !roleOfResource(s, r)) },
    ]),
  );
  return { ...plan, services };
}

/** The plan as one workload role sees it: the resources behind that role, the topics of its account. */
export function planOfRole(plan: ParsedPlan, roleArn: string): ParsedPlan {
  const uses = (role: AccountRole | undefined) => role?.primary === roleArn || role?.recovery === roleArn;
  const account = accountOfRole(roleArn);
  const services = Object.fromEntries(
    Object.entries(plan.services).flatMap(([name, s]) => {
      const resources = s.resources.filter((r) => uses(roleOfResource(s, r)));
      if (resources.length === 0 && !uses(s.role)) return [];
      const topics = s.stakeholderTopics.filter((arn) => arn.split(':')[4] === account);
      return [[name, { ...s, resources, stakeholderTopics: uses(s.role) ? topics : [] }]];
    }),
  );
  return { ...plan, alarmTopics: [], services };
}

/** Every role ARN the plan names, with its external id. */
export function planRoleArns(plan: ParsedPlan): { roleArn: string; externalId?: string }[] {
  const seen = new Map<string, string | undefined>();
  for (const s of Object.values(plan.services)) {
    for (const role of [s.role, ...s.resources.map((r) => roleOf(r))]) {
      if (!role) continue;
      for (const arn of [role.primary, role.recovery]) if (!seen.has(arn)) seen.set(arn, role.externalId);
    }
  }
  return [...seen].map(([roleArn, externalId]) => ({ roleArn, ...(externalId ? { externalId } : {}) }));
}

/** The bot's statement: sts:AssumeRole on exactly the plan's role ARNs (none without roles). */
export function assumeRoleStatements(plan: ParsedPlan): PolicyStatementSpec[] {
  const arns = planRoleArns(plan).map((r) => r.roleArn);
  return arns.length > 0
    ? [{ sid: 'AssumeWorkloadRoles', actions: ['sts:AssumeRole'], resources: arns }]
    : [];
}

/** The trust policy to create on a workload role: the bot's role as Principal, the external id as a condition. */
export function trustPolicy(botRoleArn: string, externalId?: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: botRoleArn },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  };
}

/** An IAM policy document from statement specs (what the workload role needs). */
export function policyDocument(statements: readonly PolicyStatementSpec[]): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  };
}
