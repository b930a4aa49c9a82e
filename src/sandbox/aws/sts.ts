import { randomBytes } from 'node:crypto';
import type { AssumeRoleCommandInput, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import type { ParsedPlan } from '../../plan/schema.js';
import { planRoles } from './accounts.js';
import { awsError, type ServiceKey } from './errors.js';
import type { Registry } from './registry.js';

/**
 * IAM roles and STS sessions of the simulated accounts (FIDELITY.md, "Accounts and STS"), from the STS AssumeRole
 * API reference (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html) and the IAM guide on
 * external ids (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).
 */

/** The access key every client without an assumed role signs with: a session of the bot's own role. */
export const SANDBOX_ACCESS_KEY = 'ASIASANDBOX';
/** The role Lifeboat runs as in the sandbox (its task role on AWS), in the home account. */
export const botRoleArn = (home: string): string => `arn:aws:iam::${home}:role/lifeboat-sandbox`;

export interface Principal {
  readonly account: string;
  /** The role whose session this is. */
  readonly roleArn: string;
  /** arn:aws:sts::<account>:assumed-role/<role name>/<session name>, as AWS names a role session. */
  readonly arn: string;
}

export interface TrustPolicy {
  /** The role ARN allowed to assume (Principal: {AWS: <arn>}): sessions of that role match. */
  readonly principal: string;
  /** Condition StringEquals sts:ExternalId; absent: no condition. */
  readonly externalId?: string;
}

const QUERY: ReadonlySet<ServiceKey> = new Set(['sts', 'rds', 'ec2', 'cloudwatch', 'sns', 'autoscaling']);

const roleName = (roleArn: string) => roleArn.split('/').slice(-1)[0] ?? '';
const accountOf = (arn: string) => arn.split(':')[4] ?? '';

export class SandboxIam {
  readonly roles = new Map<string, { trust: TrustPolicy; maxSessionSeconds: number }>();
  private readonly sessions = new Map<string, { principal: Principal; expiresAt: number }>();
  readonly home: Principal;

  constructor(homeAccount: string) {
    this.home = {
      account: homeAccount,
      roleArn: botRoleArn(homeAccount),
      arn: `arn:aws:sts::${homeAccount}:assumed-role/lifeboat-sandbox/bot`,
    };
  }

  /** Creates the roles a plan names, each trusting the bot's role with the plan's external id. */
  seed(plan: ParsedPlan): void {
    for (const { roleArn, externalId } of planRoles(plan)) {
      if (this.roles.has(roleArn)) continue;
      this.roles.set(roleArn, {
        trust: { principal: this.home.roleArn, ...(externalId ? { externalId } : {}) },
        maxSessionSeconds: 3_600,
      });
    }
  }

  /** Who signed a call: the home session, or a live session of an assumed role. */
  caller(service: ServiceKey, accessKeyId: string, now: number): Principal {
    if (accessKeyId === SANDBOX_ACCESS_KEY || accessKeyId === '') return this.home;
    const session = this.sessions.get(accessKeyId);
    if (!session)
      throw awsError(
        service,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
        403,
      );
    if (session.expiresAt <= now)
      throw awsError(
        service,
        QUERY.has(service) ? 'ExpiredToken' : 'ExpiredTokenException',
        'The security token included in the request is expired',
        403,
      );
    return session.principal;
  }

  assumeRole(
    input: AssumeRoleCommandInput,
    caller: Principal,
    now: number,
  ): Omit<AssumeRoleCommandOutput, '$metadata'> {
    const invalid = (message: string) => awsError('sts', 'ValidationError', message, 400);
    const roleArn = input.RoleArn ?? '';
    const session = input.RoleSessionName ?? '';
    if (roleArn.length < 20 || roleArn.length > 2048) throw invalid('1 validation error detected: roleArn');
    if (!/^[\w+=,.@-]{2,64}$/.test(session))
      throw invalid(
        "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      );
    const duration = input.DurationSeconds ?? 3_600;
    if (duration < 900 || duration > 43_200) throw invalid('DurationSeconds must be between 900 and 43200');
    const denied = () =>
      awsError(
        'sts',
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    const role = this.roles.get(roleArn);
    // A missing role, a principal the trust policy does not name and a wrong or missing external id all
    // answer the same AccessDenied: AWS does not tell the caller which.
    if (!role || role.trust.principal !== caller.roleArn) throw denied();
    if (role.trust.externalId !== undefined && role.trust.externalId !== input.ExternalId) throw denied();
    // The caller is itself a role session: role chaining is limited to one hour.
    if (duration > 3_600)
      throw invalid(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    if (duration > role.maxSessionSeconds)
      throw invalid('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const account = accountOf(roleArn);
    const principal: Principal = {
      account,
      roleArn,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName(roleArn)}/${session}`,
    };
    const expiresAt = now + duration * 1_000;
    this.sessions.set(accessKeyId, { principal, expiresAt });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: randomBytes(20).toString('base64'),
        SessionToken: randomBytes(32).toString('base64'),
        Expiration: new Date(expiresAt),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROA${roleName(roleArn).toUpperCase()}:${session}`,
        Arn: principal.arn,
      },
    };
  }

  /** Changes a role's trust policy (the sandbox's "someone edited the trust policy"). */
  setTrust(roleArn: string, trust: TrustPolicy): void {
    const role = this.roles.get(roleArn);
    if (!role) throw new Error(`no role ${roleArn}`);
    role.trust = trust;
  }
}

export function registerSts(registry: Registry, iam: SandboxIam): void {
  registry.on<AssumeRoleCommandInput, AssumeRoleCommandOutput>('sts:AssumeRole', (input, call) =>
    iam.assumeRole(input, call.caller ?? iam.home, call.world.time.now()),
  );
}
