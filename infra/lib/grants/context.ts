import type { ResourceKind, ResourceOf, Step } from '../../../src/plan/schema.js';
import type { Scope } from '../arns.js';
import { pascal } from '../policy-spec.js';

/** Prefix of every resource a drill creates; drill clean-up may delete only these. */
export const DRILL_PREFIX = 'lifeboat-drill-';
/** Tag Lifeboat puts on instances it launches for a drill; only these may be terminated. */
export const DRILL_TAG_KEY = 'lifeboat:drill';

/** One resource of one service, with the runbook steps that act on it. */
export interface ResourceContext<K extends ResourceKind> {
  readonly scope: Scope;
  readonly service: string;
  readonly resource: ResourceOf<K>;
  readonly failoverSteps: readonly Extract<Step, { resource: string }>[];
  readonly failbackSteps: readonly Extract<Step, { resource: string }>[];
}

/** Statement id: purpose + service + resource, e.g. `AuroraSwitchoverPaymentsPaymentsDb`. */
export function sid<K extends ResourceKind>(ctx: ResourceContext<K>, purpose: string): string {
  return `${purpose}${pascal(ctx.service)}${pascal(ctx.resource.id)}`;
}

/** True when any runbook step acts on the resource (mutating permissions are needed). */
export function hasSteps<K extends ResourceKind>(ctx: ResourceContext<K>): boolean {
  return ctx.failoverSteps.length + ctx.failbackSteps.length > 0;
}
