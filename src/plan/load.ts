import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import type { z } from 'zod';
import { canonicalJson } from '../domain/canonical-json.js';
import { lambdaStepProblem } from '../kinds/lambda/schema.js';
import { backupProblems } from './backups.js';
import { afterProblems } from './order.js';
import {
  type ParsedPlan,
  plan as planSchema,
  type RunbookEntry,
  STEP_RESOURCE_KIND,
  type Step,
} from './schema.js';
import { hasLaunchParameters } from './schema-resources.js';
import { type AccountRole, accountOfRole, roleOf } from './schema-role.js';

export interface PlanProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted field path, e.g. `services.payments.resources[2].kind`. */
  readonly path: string;
  readonly message: string;
}

/** A plan file that cannot be used; `message` lists every problem as file:line:column path: what. */
export class PlanError extends Error {
  readonly code = 'plan_invalid';
  constructor(readonly problems: readonly PlanProblem[]) {
    super(
      `The DR plan is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems
        .map((p) => `  ${p.file}:${p.line}:${p.column} ${p.path || '(root)'}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'PlanError';
  }
}

export interface Plan extends ParsedPlan {
  /** SHA-256 of the plan's canonical content: stable across key order and formatting. */
  readonly hash: string;
  readonly source: string;
}

type PathKey = string | number;

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

export function planHash(parsed: ParsedPlan): string {
  return createHash('sha256').update(canonicalJson(parsed)).digest('hex');
}

export async function loadPlanFile(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new PlanError([{ file, line: 1, column: 1, path: '', message: `cannot read the plan: ${reason}` }]);
  }
  return parsePlan(text, file);
}

/** Parses and validates plan YAML; throws PlanError naming file:line:column and field for every problem. */
export function parsePlan(text: string, file = 'dr-plan.yml'): Plan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);

  if (doc.errors.length > 0) {
    throw new PlanError(
      doc.errors.map((e) => {
        const { line, col } = at(e.pos[0]);
        return { file, line, column: col, path: '', message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }

  const locate = (path: readonly PathKey[], key?: string): { line: number; column: number } => {
    if (key !== undefined) {
      const parent = doc.getIn(path, true);
      if (isMap(parent)) {
        const pair = (parent as YAMLMap).items.find(
          (p) => isPair(p) && isScalar(p.key) && p.key.value === key,
        );
        const range = pair && (pair.key as Node | null)?.range;
        if (range) return toPos(range[0]);
      }
    }
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node?.range) return toPos(node.range[0]);
    }
    return { line: 1, column: 1 };
  };
  const toPos = (offset: number) => {
    const { line, col } = at(offset);
    return { line, column: col };
  };

  const result = planSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new PlanError(result.error.issues.flatMap((issue) => toProblems(issue, file, locate)));
  }
  const crossProblems = [
    ...crossCheck(result.data),
    ...backupProblems(result.data),
    ...afterProblems(result.data),
  ].map(({ path, message }) => ({
    file,
    ...locate(path),
    path: formatPath(path),
    message,
  }));
  if (crossProblems.length > 0) throw new PlanError(crossProblems);

  return Object.freeze({ ...result.data, hash: planHash(result.data), source: file });
}

function toProblems(
  issue: z.core.$ZodIssue,
  file: string,
  locate: (path: readonly PathKey[], key?: string) => { line: number; column: number },
): PlanProblem[] {
  const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      file,
      ...locate(path, key),
      path: formatPath([...path, key]),
      message: `unknown field "${key}" (check the spelling; unknown fields are not allowed)`,
    }));
  }
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return [
    {
      file,
      ...locate(path),
      path: formatPath(path),
      message: missing
        ? `missing required field (${issue.message.replace(/^Invalid input: /, '')})`
        : issue.message,
    },
  ];
}

export function flattenSteps(entries: readonly RunbookEntry[]): Step[] {
  return entries.flatMap((entry) => ('parallel' in entry ? entry.parallel : [entry]));
}

/**
 * A role is assumed in the account of the resources: its ARN's account must be the service's (or the plan's)
 * account, which infra/ and the ARNs Lifeboat builds use.
 */
function roleProblems(
  svc: ParsedPlan['services'][string],
  planAccount: string | undefined,
  base: PathKey[],
): { path: PathKey[]; message: string }[] {
  const account = svc.account ?? planAccount;
  if (!account) return [];
  const owners: [PathKey[], AccountRole | undefined][] = [
    [[...base, 'role'], svc.role],
    ...svc.resources.map((r, i): [PathKey[], AccountRole | undefined] => [
      [...base, 'resources', i, 'role'],
      roleOf(r),
    ]),
  ];
  return owners.flatMap(([path, role]) =>
    role
      ? (['primary', 'recovery'] as const)
          .filter((which) => accountOfRole(role[which]) !== account)
          .map((which) => ({
            path: [...path, which],
            message: `expected a role in the service's account ${account}; ${role[which]} is in ${accountOfRole(role[which])}`,
          }))
      : [],
  );
}

/** Rules that span fields: references between steps and resources, unique ids, distinct Regions. */
function crossCheck(parsed: ParsedPlan): { path: PathKey[]; message: string }[] {
  const problems: { path: PathKey[]; message: string }[] = [];
  for (const [name, svc] of Object.entries(parsed.services)) {
    const base: PathKey[] = ['services', name];
    if (svc.primaryRegion === svc.recoveryRegion) {
      problems.push({
        path: [...base, 'recoveryRegion'],
        message: 'expected a Region different from primaryRegion',
      });
    }
    if (!svc.account && !parsed.account) {
      problems.push({ path: [...base], message: 'expected account here or at the top of the plan' });
    }
    problems.push(...roleProblems(svc, parsed.account, base));
    const kinds = new Map<string, string>();
    svc.resources.forEach((r, i) => {
      if (kinds.has(r.id))
        problems.push({ path: [...base, 'resources', i, 'id'], message: `duplicate resource id "${r.id}"` });
      kinds.set(r.id, r.kind);
    });
    const probeIds = new Set<string>();
    svc.probes.forEach((p, i) => {
      if (probeIds.has(p.id))
        problems.push({ path: [...base, 'probes', i, 'id'], message: `duplicate probe id "${p.id}"` });
      probeIds.add(p.id);
      if (p.route53 !== undefined && kinds.get(p.route53) !== 'route53') {
        problems.push({
          path: [...base, 'probes', i, 'route53'],
          message: `expected the id of a route53 resource of this service; "${p.route53}" is not one`,
        });
      }
    });
    for (const which of ['failover', 'failback'] as const) {
      const entries = svc.runbook[which];
      if (!entries) continue;
      const seen = new Set<string>();
      entries.forEach((entry, i) => {
        const steps = 'parallel' in entry ? entry.parallel : [entry];
        steps.forEach((s, j) => {
          const path: PathKey[] = ['parallel' in entry ? [i, 'parallel', j] : [i]].flat();
          const stepPath = [...base, 'runbook', which, ...path];
          if (seen.has(s.id))
            problems.push({ path: [...stepPath, 'id'], message: `duplicate step id "${s.id}"` });
          seen.add(s.id);
          const wanted = STEP_RESOURCE_KIND[s.kind];
          if (wanted && 'resource' in s) {
            const actual = kinds.get(s.resource);
            if (!actual) {
              problems.push({
                path: [...stepPath, 'resource'],
                message: `expected the id of a resource of this service; "${s.resource}" is not one`,
              });
            } else if (actual !== wanted) {
              problems.push({
                path: [...stepPath, 'resource'],
                message: `expected a ${wanted} resource for a ${s.kind} step; "${s.resource}" is ${actual}`,
              });
            } else if (s.kind === 'lambda-invoke') {
              const r = svc.resources.find((x) => x.id === s.resource);
              const problem = r?.kind === 'lambda-function' ? lambdaStepProblem(r, s, which) : undefined;
              if (problem) problems.push({ path: [...stepPath, 'resource'], message: problem });
            } else if (which === 'failover' && s.kind === 'ec2' && s.action === 'launch-from-ami') {
              const at = svc.resources.findIndex((r) => r.id === s.resource);
              const r = svc.resources[at];
              if (r?.kind === 'ec2' && !hasLaunchParameters(r))
                problems.push({
                  path: [...base, 'resources', at],
                  message: `expected a launchTemplate or instanceType, subnetId and securityGroupIds: step "${s.id}" launches ${r.id} in ${svc.recoveryRegion}, and RunInstances without them defaults to m1.small in the default VPC, or fails where there is none`,
                });
            }
          }
        });
      });
    }
  }
  return problems;
}
