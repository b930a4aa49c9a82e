import type { ServiceKey } from './errors.js';

/**
 * AWS's documented API request rates, as token buckets per account, Region and bucket scope
 * (FIDELITY.md, "API request rates"). A request takes one token from every bucket that applies to it;
 * when one of them is empty it is refused with the service's throttling error and takes nothing.
 * Buckets refill continuously on the shared clock (the bot's wall clock: request rates are real rates,
 * not scaled like the model's operation durations).
 */
export interface BucketSpec {
  /** Burst: the most tokens the bucket holds (it starts full). */
  readonly capacity: number;
  /** Sustained rate: tokens added per second. */
  readonly refillPerSecond: number;
}

export interface AppliedBucket extends BucketSpec {
  /** Names the bucket within the account and Region, e.g. `rds:*` or `ec2:DescribeInstances`. */
  readonly scope: string;
}

const EC2_NON_MUTATING: BucketSpec = { capacity: 100, refillPerSecond: 20 };
/** Stricter than AWS for most mutating actions: not checked per action (FIDELITY.md). */
const EC2_MUTATING: BucketSpec = { capacity: 50, refillPerSecond: 5 };
const RDS_ACCOUNT: BucketSpec = { capacity: 300, refillPerSecond: 12 };
const DYNAMODB_CONTROL_PLANE: BucketSpec = { capacity: 2_500, refillPerSecond: 2_500 };
const ROUTE53_ACCOUNT: BucketSpec = { capacity: 50, refillPerSecond: 10 };
const ROUTE53_OPERATION: Readonly<Record<string, BucketSpec>> = {
  AssociateVPCWithHostedZone: { capacity: 20, refillPerSecond: 5 },
  CreateHealthCheck: { capacity: 50, refillPerSecond: 0.5 },
  CreateHostedZone: { capacity: 40, refillPerSecond: 2 },
};
const ROUTE53_DEFAULT: BucketSpec = { capacity: 50, refillPerSecond: 10 };
/** GetMetricData: 50 transactions per second; no burst documented, so one second's worth (stricter). */
const CLOUDWATCH_GET_METRIC_DATA: BucketSpec = { capacity: 50, refillPerSecond: 50 };
/** S3: per prefix; the model counts a whole bucket as one prefix (stricter). */
const S3_READ: BucketSpec = { capacity: 5_500, refillPerSecond: 5_500 };
const S3_WRITE: BucketSpec = { capacity: 3_500, refillPerSecond: 3_500 };

const DYNAMODB_DATA_PLANE = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

const isRead = (operation: string) => /^(Describe|Get|List|Head)/.test(operation);

/** The buckets AWS applies to one request; empty for APIs whose rates are not modelled. */
export function bucketsFor(
  service: ServiceKey,
  operation: string,
  input: { readonly Bucket?: unknown } = {},
): AppliedBucket[] {
  switch (service) {
    case 'ec2':
      return [{ scope: `ec2:${operation}`, ...(isRead(operation) ? EC2_NON_MUTATING : EC2_MUTATING) }];
    case 'rds':
      return [{ scope: 'rds:*', ...RDS_ACCOUNT }];
    case 'dynamodb':
      return DYNAMODB_DATA_PLANE.has(operation)
        ? []
        : [{ scope: 'dynamodb:control', ...DYNAMODB_CONTROL_PLANE }];
    case 'route53':
      return [
        { scope: 'route53:*', ...ROUTE53_ACCOUNT },
        { scope: `route53:${operation}`, ...(ROUTE53_OPERATION[operation] ?? ROUTE53_DEFAULT) },
      ];
    case 'cloudwatch':
      return operation === 'GetMetricData'
        ? [{ scope: 'cloudwatch:GetMetricData', ...CLOUDWATCH_GET_METRIC_DATA }]
        : [];
    case 's3': {
      const bucket = typeof input.Bucket === 'string' ? input.Bucket : '';
      return isRead(operation)
        ? [{ scope: `s3:${bucket}:read`, ...S3_READ }]
        : [{ scope: `s3:${bucket}:write`, ...S3_WRITE }];
    }
    default:
      return [];
  }
}

interface BucketState {
  tokens: number;
  at: number;
}

export interface RequestRates {
  /** Takes a token from each bucket of the request, or none when one is empty: true when admitted. */
  admit(
    call: { readonly service: ServiceKey; readonly operation: string; readonly input: object },
    account: string,
    region: string,
  ): boolean;
  /** Requests refused so far, by bucket scope. */
  throttled(): ReadonlyMap<string, number>;
}

export function createRequestRates(now: () => number): RequestRates {
  const buckets = new Map<string, BucketState>();
  const refused = new Map<string, number>();
  const level = (key: string, spec: BucketSpec, t: number): BucketState => {
    let state = buckets.get(key);
    if (!state) {
      state = { tokens: spec.capacity, at: t };
      buckets.set(key, state);
    } else if (t > state.at) {
      state.tokens = Math.min(spec.capacity, state.tokens + ((t - state.at) / 1000) * spec.refillPerSecond);
      state.at = t;
    }
    return state;
  };
  return {
    admit(call, account, region) {
      const applied = bucketsFor(call.service, call.operation, call.input as { Bucket?: unknown });
      if (applied.length === 0) return true;
      const t = now();
      const states = applied.map((b) => ({ b, state: level(`${account}/${region}/${b.scope}`, b, t) }));
      const empty = states.find(({ state }) => state.tokens < 1);
      if (empty) {
        refused.set(empty.b.scope, (refused.get(empty.b.scope) ?? 0) + 1);
        return false;
      }
      for (const { state } of states) state.tokens -= 1;
      return true;
    },
    throttled: () => refused,
  };
}
