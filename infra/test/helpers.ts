import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import type { PolicyStatementSpec } from '../lib/policy-spec.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE_PLAN = resolve(REPO_ROOT, 'dr-plan.example.yml');
export const DYNAMO_ONLY_PLAN = resolve(REPO_ROOT, 'infra/test/fixtures/dynamodb-only.yml');

export function readPlan(
  file: string,
  edit: (text: string) => string = (t) => t,
): { plan: Plan; text: string } {
  const text = edit(readFileSync(file, 'utf8'));
  return { plan: parsePlan(text, file), text };
}

/** Read-only by name, independent of the library's own classifier on purpose. */
const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List)/;
export const isMutating = (action: string): boolean => !READ_ONLY.test(action);

export const actionsOf = (statements: readonly PolicyStatementSpec[]): string[] =>
  statements.flatMap((s) => s.actions);

export function statement(statements: readonly PolicyStatementSpec[], sid: string): PolicyStatementSpec {
  const found = statements.find((s) => s.sid === sid);
  if (!found) throw new Error(`no statement ${sid}; have ${statements.map((s) => s.sid).join(', ')}`);
  return found;
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/**
 * True when some statement without conditions allows `action` on `resource` (IAM's own wildcard
 * matching of the Resource element). Conditional statements do not count: the test cannot tell
 * whether their condition holds.
 */
export function allows(
  statements: readonly PolicyStatementSpec[],
  action: string,
  resource: string,
): boolean {
  return statements.some(
    (s) =>
      s.conditions === undefined &&
      s.actions.includes(action) &&
      s.resources.some((pattern) => glob(pattern).test(resource)),
  );
}
