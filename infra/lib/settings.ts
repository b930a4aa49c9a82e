import type { ParsedPlan } from '../../src/plan/schema.js';

/**
 * Deployment settings from CDK context (`-c key=value` or cdk.json), checked against the plan.
 * Pure: the caller passes a context reader, so tests need no App.
 */

export type ContextReader = (key: string) => unknown;

export type ImageSource =
  | { readonly kind: 'registry'; readonly uri: string }
  | { readonly kind: 'asset'; readonly directory: string };

export interface DeploySettings {
  readonly stackName: string;
  readonly account: string;
  /** The Region Lifeboat runs in: a recovery Region of the plan, never a primary one. */
  readonly region: string;
  readonly availabilityZones: readonly string[];
  readonly image: ImageSource;
  readonly cpuArchitecture: 'X86_64' | 'ARM64';
  readonly desiredCount: number;
  readonly natGateways: number;
  /** Socket Mode: no load balancer, Slack connects outbound with SLACK_APP_TOKEN. */
  readonly socketMode: boolean;
  /** ACM certificate for the HTTPS listener (HTTP mode only). */
  readonly certificateArn: string | undefined;
  readonly domainName: string | undefined;
  readonly rawMessageDelivery: boolean;
  readonly subscribeAlarmTopics: boolean;
  readonly passRoleArns: readonly string[];
  readonly alarmEmail: string | undefined;
  /** Object Lock of the audit archive (context `auditLock=MODE:DAYS`), COMPLIANCE:365 by default. */
  readonly auditLock: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retainDays: number };
}

/** Every problem with the context at once, one per line. */
export class DeploySettingsError extends Error {
  readonly code = 'deploy_settings_invalid';
  constructor(readonly problems: readonly string[]) {
    super(`Cannot synthesize Lifeboat:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DeploySettingsError';
  }
}

const text = (value: unknown): string | undefined =>
  value === undefined || value === null || String(value).trim() === '' ? undefined : String(value).trim();

function flag(value: unknown, fallback: boolean, key: string, problems: string[]): boolean {
  const v = text(value);
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  problems.push(`${key}: expected true or false, got "${v}"`);
  return fallback;
}

function count(value: unknown, fallback: number, key: string, problems: string[], max = 10): number {
  const v = text(value);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    problems.push(`${key}: expected a whole number from 0 to ${max}, got "${v}"`);
    return fallback;
  }
  return n;
}

const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map(String).filter(Boolean)
    : (text(value)
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? []);

/**
 * Resolves the settings. The Region defaults to the plan's recovery Region when all services
 * share one; a Region that is any service's primary Region is refused unless
 * `allowPrimaryRegion=true`, because a DR bot must not go down with the Region it protects.
 */
export function resolveSettings(plan: ParsedPlan, context: ContextReader, repoRoot: string): DeploySettings {
  const problems: string[] = [];
  const services = Object.entries(plan.services);
  const recoveryRegions = [...new Set(services.map(([, s]) => s.recoveryRegion))];
  const region = text(context('region')) ?? (recoveryRegions.length === 1 ? recoveryRegions[0] : undefined);
  if (!region) {
    problems.push(
      `region: the plan's services recover into several Regions (${recoveryRegions.join(', ')}); choose one with -c region=<region>`,
    );
  } else if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    problems.push(`region: expected an AWS Region code such as "us-west-2", got "${region}"`);
  } else {
    const primaryOf = services.filter(([, s]) => s.primaryRegion === region).map(([name]) => name);
    if (primaryOf.length > 0 && !flag(context('allowPrimaryRegion'), false, 'allowPrimaryRegion', problems)) {
      problems.push(
        `region: ${region} is the primary Region of ${primaryOf.join(', ')}; Lifeboat must run where it survives ` +
          `that Region's loss (the recovery Region, e.g. ${recoveryRegions.join(', ')}). ` +
          'Override with -c allowPrimaryRegion=true only for a test deployment.',
      );
    }
  }

  // Services reached through a role (docs/deploy.md, other accounts) do not decide where the bot runs.
  const own = services.filter(([, s]) => !s.role);
  const accounts = [
    ...new Set(
      (own.length > 0 ? own.map(([, s]) => s.account ?? plan.account) : [plan.account]).filter(Boolean),
    ),
  ] as string[];
  const account = text(context('account')) ?? (accounts.length === 1 ? accounts[0] : undefined);
  if (!account)
    problems.push(
      `account: the plan names several accounts (${accounts.join(', ')}); choose one with -c account=<id>`,
    );
  else if (!/^\d{12}$/.test(account))
    problems.push(`account: expected a 12-digit AWS account ID, got "${account}"`);

  const socketMode = flag(context('socketMode'), false, 'socketMode', problems);
  const certificateArn = text(context('certificateArn'));
  if (!socketMode && !certificateArn) {
    problems.push(
      'certificateArn: required for the HTTPS listener Slack calls (an ACM certificate ARN in the deployment Region); ' +
        'or deploy with -c socketMode=true',
    );
  } else if (
    certificateArn &&
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)
  ) {
    problems.push(`certificateArn: expected an ACM certificate ARN, got "${certificateArn}"`);
  } else if (certificateArn && region && certificateArn.split(':')[3] !== region) {
    problems.push(
      `certificateArn: the certificate must be in ${region}, the Region the load balancer runs in`,
    );
  }

  const arch = text(context('cpuArchitecture')) ?? 'X86_64';
  if (arch !== 'X86_64' && arch !== 'ARM64')
    problems.push(`cpuArchitecture: expected X86_64 or ARM64, got "${arch}"`);
  const uri = text(context('image'));
  const azs = list(context('availabilityZones'));
  const passRoleArns = list(context('passRoleArns'));
  for (const role of passRoleArns) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(role))
      problems.push(`passRoleArns: "${role}" is not an IAM role ARN`);
  }
  const desiredCount = count(context('desiredCount'), 2, 'desiredCount', problems);
  const natGateways = count(context('natGateways'), 2, 'natGateways', problems, 2);
  const rawMessageDelivery = flag(context('rawMessageDelivery'), false, 'rawMessageDelivery', problems);
  const subscribeAlarmTopics = flag(context('subscribeAlarmTopics'), true, 'subscribeAlarmTopics', problems);

  const lockText = text(context('auditLock')) ?? 'COMPLIANCE:365';
  const lockMatch = /^(GOVERNANCE|COMPLIANCE):(\d{1,5})$/.exec(lockText);
  if (!lockMatch || Number(lockMatch[2]) < 1)
    problems.push(
      `auditLock: expected MODE:DAYS (COMPLIANCE or GOVERNANCE, at least 1 day), got "${lockText}"`,
    );
  const auditLock = {
    mode: (lockMatch?.[1] ?? 'COMPLIANCE') as 'GOVERNANCE' | 'COMPLIANCE',
    retainDays: Number(lockMatch?.[2] ?? 365),
  };

  if (problems.length > 0 || !region || !account) throw new DeploySettingsError(problems);
  return Object.freeze({
    stackName: text(context('stackName')) ?? 'Lifeboat',
    account,
    region,
    availabilityZones: azs.length > 0 ? azs : [`${region}a`, `${region}b`],
    image: (uri ? { kind: 'registry', uri } : { kind: 'asset', directory: repoRoot }) satisfies ImageSource,
    cpuArchitecture: arch as 'X86_64' | 'ARM64',
    desiredCount,
    natGateways,
    socketMode,
    certificateArn,
    domainName: text(context('domainName')),
    rawMessageDelivery,
    subscribeAlarmTopics,
    passRoleArns,
    alarmEmail: text(context('alarmEmail')),
    auditLock,
  });
}
