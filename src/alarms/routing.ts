import type { ParsedPlan } from '../plan/schema.js';

/** Where an alarm goes: the service whose alarm rules match it, or the plan's unrouted channel. */
export type Route =
  | {
      readonly kind: 'service';
      readonly service: string;
      readonly channel: string;
      readonly autoRequestFailover: boolean;
    }
  | { readonly kind: 'unrouted'; readonly channel: string | undefined };

/** The pseudo-service that groups unrouted alarms into their own incident (service ids are [a-z0-9-]). */
export const UNROUTED = '~unrouted';

interface CompiledRule {
  readonly service: string;
  readonly channel: string;
  readonly autoRequestFailover: boolean;
  /** Exact rules (a name without wildcards, an ARN) win over globs and patterns. */
  readonly exact: boolean;
  matches(alarm: { readonly name: string; readonly arn?: string }): boolean;
}

/** `*` any run of characters, `?` one character, everything else literal; anchored at both ends. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 's');
}

const compiled = new WeakMap<ParsedPlan, readonly CompiledRule[]>();

function compile(plan: ParsedPlan): readonly CompiledRule[] {
  let rules = compiled.get(plan);
  if (rules) return rules;
  const out: CompiledRule[] = [];
  for (const [service, svc] of Object.entries(plan.services)) {
    for (const rule of svc.alarms) {
      const base = { service, channel: svc.channel, autoRequestFailover: rule.autoRequestFailover };
      if (rule.arn !== undefined) {
        const arn = rule.arn;
        out.push({ ...base, exact: true, matches: (a) => a.arn === arn });
      } else if (rule.name !== undefined) {
        const name = rule.name;
        if (/[*?]/.test(name)) {
          const re = globToRegExp(name);
          out.push({ ...base, exact: false, matches: (a) => re.test(a.name) });
        } else out.push({ ...base, exact: true, matches: (a) => a.name === name });
      } else if (rule.pattern !== undefined) {
        const re = new RegExp(rule.pattern);
        out.push({ ...base, exact: false, matches: (a) => re.test(a.name) });
      }
    }
  }
  rules = out;
  compiled.set(plan, rules);
  return rules;
}

/**
 * Routes an alarm by the plan's alarm rules: an exact name or ARN match first, then globs and
 * regular expressions, each in plan order. No match: the plan's `slack.unroutedChannel`, if any.
 */
export function routeAlarm(plan: ParsedPlan, alarm: { readonly name: string; readonly arn?: string }): Route {
  const rules = compile(plan);
  const hit =
    rules.find((r) => r.exact && r.matches(alarm)) ?? rules.find((r) => !r.exact && r.matches(alarm));
  if (hit)
    return {
      kind: 'service',
      service: hit.service,
      channel: hit.channel,
      autoRequestFailover: hit.autoRequestFailover,
    };
  return { kind: 'unrouted', channel: plan.slack.unroutedChannel };
}
