import { AssumeRoleError } from '../../adapters/aws/assume-role.js';
import type { ResourceKind } from '../../plan/schema.js';
import { LeftRegionTimeout } from '../errors.js';
import { formatDuration } from '../format.js';
import type { Check, CheckContext } from '../types.js';

export type FailureKind = 'not_found' | 'access_denied' | 'throttled' | 'timeout' | 'network' | 'other';

/** An AWS call that failed, with the IAM action it needed, narrowed into a failure kind. */
export class AwsCallError extends Error {
  readonly code = 'aws_call_failed';
  readonly failure: FailureKind;
  readonly awsName: string;
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    const { kind, name, message } = classifyAwsError(cause);
    super(`${action}: ${name}: ${message}`);
    this.name = 'AwsCallError';
    this.failure = kind;
    this.awsName = name;
  }
}

const ACCESS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'PriorRequestNotComplete',
  'SlowDown',
]);
const TIMEOUT = new Set([
  'CallTimeoutError',
  'LeftRegionTimeout',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

export function classifyAwsError(error: unknown): { kind: FailureKind; name: string; message: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const status = e.$metadata?.httpStatusCode;
  let kind: FailureKind = 'other';
  if (TIMEOUT.has(name) || code === 'ETIMEDOUT') kind = 'timeout';
  else if (THROTTLING.has(name) || e.$retryable?.throttling === true || status === 429) kind = 'throttled';
  else if (ACCESS.has(name) || status === 403) kind = 'access_denied';
  else if (/NotFound|^NoSuch/.test(name) || status === 404) kind = 'not_found';
  else if (NETWORK.has(code) || NETWORK.has(name)) kind = 'network';
  return { kind, name, message };
}

/** Runs one AWS call through the engine (limit + timeout) and tags any failure with its IAM action. */
export async function awsCall<T>(
  ctx: CheckContext,
  action: string,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await ctx.call(call);
  } catch (error) {
    throw error instanceof AwsCallError ? error : new AwsCallError(action, error);
  }
}

export interface CheckBase {
  readonly resourceId: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly freshness?: boolean;
}

/** The check an AWS failure turns into: not found is not_ready, everything else we cannot see is unknown. */
export function failedCheck(base: CheckBase, error: unknown, subject: string): Check {
  const id = base.resourceId;
  const assume = error instanceof AwsCallError ? error.cause : error;
  if (assume instanceof AssumeRoleError) {
    // Not a missing permission of Lifeboat's role: the workload's role refused (or STS could not be reached).
    return {
      ...base,
      verdict: 'unknown',
      measured: { text: 'role not assumed' },
      reason: `${id}: ${assume.message}`,
    };
  }
  if (!(error instanceof AwsCallError)) {
    const { name, message } = classifyAwsError(error);
    return { ...base, verdict: 'unknown', reason: `${id}: ${base.name} check failed: ${name}: ${message}` };
  }
  const reasons: Record<FailureKind, string> = {
    not_found: `${id}: ${subject} not found (${error.awsName})`,
    access_denied: `${id}: permission missing: ${error.action}`,
    throttled: `${id}: AWS throttled ${error.action} (${error.awsName}); re-check in a minute`,
    timeout:
      error.cause instanceof LeftRegionTimeout
        ? `${id}: ${error.action}: ${error.cause.message}`
        : `${id}: ${error.action} timed out${timeoutSuffix(error.cause)}`,
    network: `${id}: network error calling ${error.action} (${error.awsName})`,
    other: `${id}: ${error.action} failed: ${error.awsName}: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`,
  };
  return {
    ...base,
    verdict: error.failure === 'not_found' ? 'not_ready' : 'unknown',
    measured: { text: error.failure === 'not_found' ? 'not found' : error.failure.replace('_', ' ') },
    reason: reasons[error.failure],
  };
}

function timeoutSuffix(cause: unknown): string {
  if (
    typeof cause === 'object' &&
    cause !== null &&
    'timeoutMs' in cause &&
    typeof cause.timeoutMs === 'number'
  ) {
    return ` after ${formatDuration(cause.timeoutMs)}`;
  }
  return '';
}

/** Runs a section of a checker; an AWS failure inside becomes one check instead of failing the resource. */
export async function guard(
  base: CheckBase,
  subject: string,
  section: () => Promise<Check | readonly Check[]>,
): Promise<Check[]> {
  try {
    const result = await section();
    return Array.isArray(result) ? [...result] : [result as Check];
  } catch (error) {
    return [failedCheck(base, error, subject)];
  }
}
