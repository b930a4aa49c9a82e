import type { ParsedPlan } from './schema.js';

/**
 * Order across services: a service may declare `after: [accounts, ...]`, the services it recovers after.
 * `afterProblems` validates the declarations (unknown names, a service after itself, duplicates, cycles);
 * `recoveryOrder` sorts the services of one request so a failover runs every service after those it names, and a
 * failback runs them in the reverse order (the dependants leave the recovery Region first).
 */

type PathKey = string | number;

export interface OrderProblem {
  readonly path: PathKey[];
  readonly message: string;
}

const afterOf = (plan: Pick<ParsedPlan, 'services'>, name: string): readonly string[] =>
  plan.services[name]?.after ?? [];

export function afterProblems(plan: Pick<ParsedPlan, 'services'>): OrderProblem[] {
  const problems: OrderProblem[] = [];
  const names = Object.keys(plan.services);
  for (const name of names) {
    const seen = new Set<string>();
    afterOf(plan, name).forEach((other, i) => {
      const path = ['services', name, 'after', i];
      if (other === name)
        problems.push({ path, message: `a service cannot recover after itself ("${name}")` });
      else if (!(other in plan.services))
        problems.push({
          path,
          message: `expected the name of another service of this plan; "${other}" is not one (services: ${names.join(', ')})`,
        });
      else if (seen.has(other)) problems.push({ path, message: `"${other}" is listed twice` });
      seen.add(other);
    });
  }
  for (const cycle of cycles(plan)) {
    const first = cycle[0] as string;
    const next = cycle[1 % cycle.length] as string;
    const index = afterOf(plan, first).indexOf(next);
    problems.push({
      path: ['services', first, 'after', index],
      message: `a cycle: ${[...cycle, first].join(' after ')}; no order can satisfy it`,
    });
  }
  return problems;
}

/** Each elementary cycle of the `after:` graph once, starting at its first service in plan order. */
function cycles(plan: Pick<ParsedPlan, 'services'>): string[][] {
  const names = Object.keys(plan.services);
  const found: string[][] = [];
  const keys = new Set<string>();
  const walk = (start: string, at: string, path: string[]) => {
    for (const next of afterOf(plan, at)) {
      if (!(next in plan.services) || next === at) continue;
      if (next === start) {
        const key = [...path].sort().join('\u0000');
        if (!keys.has(key)) {
          keys.add(key);
          found.push([...path]);
        }
      } else if (!path.includes(next) && names.indexOf(next) > names.indexOf(start)) {
        walk(start, next, [...path, next]);
      }
    }
  };
  for (const name of names) walk(name, name, [name]);
  return found;
}

export type OrderDirection = 'failover' | 'failback';

/**
 * The services of one request in the order they run: for a failover every service after all the services of the
 * request it names (services outside the request do not hold it up), ties in the order the request named them;
 * a failback is the failover order reversed. Throws on a cycle (a loaded plan has none).
 */
export function recoveryOrder(
  plan: Pick<ParsedPlan, 'services'>,
  services: readonly string[],
  direction: OrderDirection = 'failover',
): string[] {
  const wanted = [...new Set(services)];
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < wanted.length) {
    const next = wanted.find(
      (s) => !placed.has(s) && afterOf(plan, s).every((dep) => !wanted.includes(dep) || placed.has(dep)),
    );
    if (next === undefined)
      throw new Error(`the services ${wanted.join(', ')} wait for each other in a cycle`);
    order.push(next);
    placed.add(next);
  }
  return direction === 'failover' ? order : order.reverse();
}

/**
 * The services of the request that `service` waits for before it may start: for a failover those it is after,
 * for a failback those that are after it (they leave first).
 */
export function waitsFor(
  plan: Pick<ParsedPlan, 'services'>,
  services: readonly string[],
  service: string,
  direction: OrderDirection = 'failover',
): string[] {
  if (direction === 'failover') return afterOf(plan, service).filter((s) => services.includes(s));
  return services.filter((s) => afterOf(plan, s).includes(service));
}
