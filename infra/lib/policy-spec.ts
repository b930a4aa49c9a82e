/**
 * Plain-data IAM statements, independent of aws-cdk-lib so that the plan-derived policy can be
 * computed, reviewed and tested as data. The stack turns each spec into an iam.PolicyStatement.
 */

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatementSpec {
  /** Alphanumeric statement id that says why the permission exists. */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: ConditionBlock;
}

/** Action name prefixes (after `service:`) that only read. Everything else counts as mutating. */
export const READ_ONLY_ACTION_PREFIXES = ['Describe', 'Get', 'List'] as const;

export function isReadOnlyAction(action: string): boolean {
  const name = action.split(':')[1] ?? '';
  return READ_ONLY_ACTION_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Thrown when a generated policy would break a least-privilege invariant. */
export class PolicyInvariantError extends Error {
  readonly code = 'policy_invariant';
  constructor(readonly problems: readonly string[]) {
    super(`The generated IAM policy breaks least privilege:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyInvariantError';
  }
}

/** Invariants every generated policy must hold; returns the problems found (empty when fine). */
export function policyProblems(statements: readonly PolicyStatementSpec[]): string[] {
  const problems: string[] = [];
  const sids = new Set<string>();
  for (const s of statements) {
    if (!/^[A-Za-z0-9]+$/.test(s.sid)) problems.push(`${s.sid}: statement ids must be alphanumeric`);
    if (sids.has(s.sid)) problems.push(`${s.sid}: duplicate statement id`);
    sids.add(s.sid);
    if (s.actions.length === 0 || s.resources.length === 0)
      problems.push(`${s.sid}: empty actions or resources`);
    if (s.actions.some((a) => a.includes('*'))) problems.push(`${s.sid}: wildcard action`);
    const mutating = s.actions.filter((a) => !isReadOnlyAction(a));
    if (mutating.length > 0 && s.resources.includes('*')) {
      problems.push(`${s.sid}: mutating action(s) ${mutating.join(', ')} on Resource "*"`);
    }
  }
  return problems;
}

/** Upper-camel-cases ids such as `payments-db` into `PaymentsDb` for statement ids. */
export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * Merges statements that grant the same actions on the same resources under the same conditions
 * (e.g. the drill permissions of two databases in one Region), keeping the first statement id,
 * then makes the remaining ids unique.
 */
export function dedupeStatements(statements: readonly PolicyStatementSpec[]): PolicyStatementSpec[] {
  const seen = new Map<string, PolicyStatementSpec>();
  for (const s of statements) {
    const normalized: PolicyStatementSpec = {
      ...s,
      actions: [...new Set(s.actions)].sort(),
      resources: [...new Set(s.resources)].sort(),
    };
    const key = JSON.stringify([normalized.actions, normalized.resources, normalized.conditions ?? null]);
    if (!seen.has(key)) seen.set(key, normalized);
  }
  const used = new Map<string, number>();
  return [...seen.values()].map((s) => {
    const count = (used.get(s.sid) ?? 0) + 1;
    used.set(s.sid, count);
    return count === 1 ? s : { ...s, sid: `${s.sid}${count}` };
  });
}
