import type { AwsClients, RegionClients } from '../adapters/aws/clients.js';
import { LeftRegionTimeout, withTimeout } from './errors.js';
import type { LeavingPrimary } from './types.js';

/** Clients of a Region that are not that Region's own endpoints: global, they keep their retries and budget. */
const GLOBAL: ReadonlySet<PropertyKey> = new Set<keyof RegionClients>(['region', 'route53']);

type Send = (command: unknown, options?: unknown) => Promise<unknown>;

/**
 * One SDK client whose every call is abandoned after `budgetMs`: its abort signal (the caller's, joined with
 * the budget's) stops the SDK's request, and the call rejects with LeftRegionTimeout at the deadline even where
 * the request does not watch the signal. The client's other members are its own.
 */
function budgeted<C extends object>(client: C, region: string, budgetMs: number): C {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'send' || typeof value !== 'function') return value;
      const send = value as Send;
      return (command: unknown, options?: unknown) => {
        // The callback form is not used by Lifeboat; it is passed on as it is.
        if (options !== undefined && (typeof options !== 'object' || options === null))
          return send.call(target, command, options);
        const given = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
        return withTimeout(
          (budget) =>
            send.call(target, command, {
              ...(options as object | undefined),
              abortSignal: given ? AbortSignal.any([given, budget]) : budget,
            }),
          budgetMs,
          () => new LeftRegionTimeout(region, budgetMs),
        );
      };
    },
  });
}

/** A Region's clients with one attempt per call (AwsClients.oneAttempt) and the budget on each call. */
function leavingClients(aws: AwsClients, region: string, budgetMs: number): RegionClients {
  const one = aws.oneAttempt(region);
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(one, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (GLOBAL.has(property) || typeof value !== 'object' || value === null) return value;
      let client = wrapped.get(property);
      if (!client) {
        client = budgeted(value, region, budgetMs);
        wrapped.set(property, client);
      }
      return client;
    },
  });
}

/**
 * The clients a readiness run for an unplanned failover away from `region` reads through (LeavingPrimary): that
 * Region's own clients make one attempt (a real SDK client with maxAttempts 1) within `budgetMs` (a per-call abort
 * signal); every other Region, Route 53 and its metrics (`route53Metrics`) and ARC's cluster endpoints are the
 * ordinary clients. Roles assumed through it (`assuming`) get the same treatment.
 */
export function leavingRegion(aws: AwsClients, region: string, leaving: LeavingPrimary): AwsClients {
  let limited: RegionClients | undefined;
  return {
    ...(aws.account === undefined ? {} : { account: aws.account }),
    forRegion: (r) => {
      if (r !== region) return aws.forRegion(r);
      limited ??= leavingClients(aws, region, leaving.budgetMs);
      return limited;
    },
    oneAttempt: (r) => aws.oneAttempt(r),
    route53Metrics: () => aws.route53Metrics(),
    assuming: (account, role) => leavingRegion(aws.assuming(account, role), region, leaving),
    own: () => leavingRegion(aws.own(), region, leaving),
    arcCluster: (endpoint) => aws.arcCluster(endpoint),
    destroy: () => aws.destroy(),
  };
}
