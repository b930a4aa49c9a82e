import type { AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { sdk } from './sdk.js';

/**
 * Temporary credentials of a role in a workload's account (docs/plan.md, "Other accounts"), from STS AssumeRole
 * on the Regional endpoint of the Region the calls go to: the global endpoint is served from us-east-1, so an
 * event there must not stop Lifeboat acting in the recovery Region
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html).
 */
export interface AssumedRole {
  readonly roleArn: string;
  readonly externalId?: string;
  /** Identifies Lifeboat and, where there is one, the execution or drill in the role's CloudTrail records. */
  readonly sessionName: string;
}

/**
 * One hour: the bot itself runs as a role (its task role), and a role assumed by a role session is limited to one
 * hour ("role chaining", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html).
 */
export const ROLE_SESSION_SECONDS = 3_600;
/** Credentials are replaced this long before they expire, as the SDK's own providers do (5 minutes). */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/** AssumeRole refused or failed: named as STS named it (AccessDenied for a trust policy or external id that do not match). */
export class AssumeRoleError extends Error {
  readonly code = 'assume_role_failed';
  constructor(
    readonly role: AssumedRole,
    readonly region: string,
    readonly stsName: string,
    stsMessage: string,
    override readonly cause?: unknown,
  ) {
    super(
      `cannot assume ${role.roleArn} through STS in ${region} (${stsName}: ${stsMessage}); check the role's trust policy (Principal: Lifeboat's role${role.externalId ? ", Condition StringEquals sts:ExternalId: the plan's externalId" : ''}, docs/deploy.md)`,
    );
    // The SDK's name, so callers classify it as the AWS error it is (AccessDenied: a permission problem, never retried).
    this.name = stsName;
  }
}

/** RoleSessionName: 2 to 64 characters of `[\w+=,.@-]` (STS AssumeRole API reference). */
export function sessionName(...parts: string[]): string {
  const name = ['lifeboat', ...parts]
    .join('-')
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, 64);
  return name;
}

interface Cached {
  readonly credentials: AwsCredentialIdentity & { readonly expiration: Date };
}

/**
 * Credentials per (Region, role, external id, session), cached until five minutes before they expire; concurrent
 * callers share one AssumeRole call. A failure is not cached: the next call asks STS again. Credentials are never
 * logged or put in an error.
 */
export function createRoleCredentials(sts: (region: string) => STSClient, now: () => number = Date.now) {
  const cache = new Map<string, Cached>();
  const inflight = new Map<string, Promise<Cached>>();
  const assume = async (region: string, role: AssumedRole): Promise<Cached> => {
    let out: AssumeRoleCommandOutput;
    try {
      out = await sts(region).send(
        new (sdk.sts().AssumeRoleCommand)({
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName,
          DurationSeconds: ROLE_SESSION_SECONDS,
          ...(role.externalId ? { ExternalId: role.externalId } : {}),
        }),
      );
    } catch (error) {
      const e = error as { name?: unknown; message?: unknown };
      throw new AssumeRoleError(
        role,
        region,
        typeof e.name === 'string' ? e.name : 'Error',
        typeof e.message === 'string' ? e.message : String(error),
        error,
      );
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
      throw new AssumeRoleError(
        role,
        region,
        'IncompleteCredentials',
        'AssumeRole answered without credentials',
      );
    return {
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      },
    };
  };
  return {
    /** A credential provider for SDK clients of `region` acting as `role`. */
    provider(region: string, role: AssumedRole): () => Promise<AwsCredentialIdentity> {
      const key = [region, role.roleArn, role.externalId ?? '', role.sessionName].join('\n');
      return async () => {
        const hit = cache.get(key);
        if (hit && hit.credentials.expiration.getTime() - REFRESH_BEFORE_MS > now()) return hit.credentials;
        let pending = inflight.get(key);
        if (!pending) {
          pending = assume(region, role).finally(() => inflight.delete(key));
          inflight.set(key, pending);
        }
        const fresh = await pending;
        cache.set(key, fresh);
        return fresh.credentials;
      };
    },
  };
}
