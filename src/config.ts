import { z } from 'zod';

/**
 * The only module that knows environment variable names. `loadConfig()` is the only reader of
 * process.env in the code base; everything else receives the frozen Config.
 */

export type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.pipe(
    z.string().startsWith('xoxb-', 'expected a bot token starting with "xoxb-"').optional(),
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(
    z.string().startsWith('xapp-', 'expected an app-level token starting with "xapp-"').optional(),
  ),
  SLACK_API_URL: optionalText.pipe(
    z.url({ message: 'expected a URL such as https://slack.com/api/' }).optional(),
  ),
  PORT: optionalText.transform((v, ctx) => {
    if (v === undefined) return 3000;
    const port = Number(v);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      ctx.addIssue({ code: 'custom', message: `expected a port number 0-65535, got "${v}"` });
      return z.NEVER;
    }
    return port;
  }),
  HOST: optionalText.pipe(z.string().default('127.0.0.1')),
  DR_PLAN: optionalText.pipe(z.string().default('dr-plan.yml')),
  DR_TABLE: optionalText.pipe(
    z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'expected a DynamoDB table name (3-255 of letters, digits, _ . -)')
      .default('lifeboat'),
  ),
  LOG_LEVEL: optionalText.pipe(
    z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  LIFEBOAT_DATA_DIR: optionalText.pipe(z.string().default('.lifeboat')),
  DYNAMODB_THREAD: optionalText.pipe(z.enum(['on', 'off'], { message: 'expected on or off' }).default('on')),
  METRICS_EMF: optionalText.pipe(z.enum(['on', 'off'], { message: 'expected on or off' }).default('off')),
  DR_ALARM_QUEUE_URL: optionalText.pipe(
    z.url({ message: 'expected the SQS queue URL alarms arrive on' }).optional(),
  ),
  DR_ALARM_INTAKE_TOPIC_ARN: optionalText.pipe(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'expected an SNS topic ARN')
      .optional(),
  ),
  DR_ALARM_RAW_DELIVERY: optionalText.pipe(
    z.enum(['on', 'off'], { message: 'expected on or off' }).default('off'),
  ),
  SNS_SIGNATURE_V1: optionalText.pipe(
    z.enum(['accept', 'refuse'], { message: 'expected accept or refuse' }).default('refuse'),
  ),
  SLACK_TEAM_ID: optionalText.pipe(
    z
      .string()
      .regex(/^T[A-Z0-9]+$/, 'expected a team id (T…)')
      .optional(),
  ),
  SLACK_APP_ID: optionalText.pipe(
    z
      .string()
      .regex(/^A[A-Z0-9]+$/, 'expected an app id (A…)')
      .optional(),
  ),
  SLACK_ENTERPRISE_ID: optionalText.pipe(
    z
      .string()
      .regex(/^E[A-Z0-9]+$/, 'expected an enterprise id (E…)')
      .optional(),
  ),
  SNS_MAX_AGE_SECONDS: optionalText.transform((v, ctx) => {
    if (v === undefined) return 3600;
    const seconds = Number(v);
    if (!Number.isInteger(seconds) || seconds < 60 || seconds > 86_400) {
      ctx.addIssue({ code: 'custom', message: `expected whole seconds between 60 and 86400, got "${v}"` });
      return z.NEVER;
    }
    return seconds;
  }),
  AUDIT_ARCHIVE_BUCKET: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name')
      .optional(),
  ),
  AUDIT_ARCHIVE_LOCK: optionalText.pipe(
    z
      .string()
      .regex(/^(GOVERNANCE|COMPLIANCE):\d{1,5}$/, 'expected MODE:DAYS, e.g. COMPLIANCE:2555')
      .optional(),
  ),
  OPS_TOPIC_ARN: optionalText.pipe(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'expected an SNS topic ARN')
      .optional(),
  ),
  AWS_REGION: optionalText,
  AWS_DEFAULT_REGION: optionalText,
  AWS_ENDPOINT_URL: optionalText,
  AWS_ENDPOINT_URL_DYNAMODB: optionalText,
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_PROFILE: optionalText,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: optionalText,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: optionalText,
  AWS_WEB_IDENTITY_TOKEN_FILE: optionalText,
});

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string | undefined;
  /** Set when Socket Mode is used instead of the HTTP receiver. */
  readonly appToken: string | undefined;
  /** Web API base URL override, e.g. the sandbox emulator. */
  readonly apiUrl: string | undefined;
  /**
   * The installation every payload must come from (src/http/installation.ts). Unset team and
   * enterprise ids are learnt from auth.test at start; an unset app id from auth.test's app_id.
   */
  readonly installation: {
    readonly teamId: string | undefined;
    readonly appId: string | undefined;
    readonly enterpriseId: string | undefined;
  };
}

export interface Config {
  readonly slack: SlackConfig;
  readonly http: { readonly port: number; readonly host: string };
  readonly planPath: string;
  readonly tableName: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly alarms: {
    /** SQS queue subscribed to the alarm topics (SNS -> SQS keeps alarms while the bot is down). */
    readonly queueUrl: string | undefined;
    /** SNS messages older than this are refused (replay protection), ms. */
    readonly snsMaxAgeMs: number;
    /** The deployed intake topic in the bot's own Region (infra/), allowed like the plan's alarmTopics. */
    readonly intakeTopicArn: string | undefined;
    /**
     * The queue's SNS subscriptions use raw message delivery (infra's rawMessageDelivery). Off: every
     * SQS body must be a signed SNS envelope from an allowed topic. On: bodies are the published
     * messages themselves, trusted because only the subscribed topics may send to the queue.
     */
    readonly rawDelivery: boolean;
    /** Accept SNS SignatureVersion 1 (SHA1withRSA); default only 2 (SHA256withRSA). */
    readonly acceptSha1: boolean;
  };
  /** Daily audit archive to S3 (JSON Lines; Object Lock retention when configured). */
  readonly auditArchive:
    | {
        readonly bucket: string;
        readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retainDays: number };
      }
    | undefined;
  /** The operators' SNS topic (infra's OpsTopic): security alerts such as audit tampering go there too. */
  readonly opsTopicArn: string | undefined;
  /** Region the bot itself runs in (the recovery Region in production). */
  readonly region: string | undefined;
  /**
   * Where Lifeboat keeps its state: an external DynamoDB (endpoint override or AWS credentials
   * configured, the SDK resolves the rest itself) or dynalite embedded in-process.
   */
  readonly state:
    | { readonly kind: 'dynamodb' }
    | { readonly kind: 'embedded'; readonly dataDir: string | undefined };
  /**
   * Run DynamoDB calls on a worker thread when their rate warrants it (default; see
   * `DYNAMO_THREAD_ON_DEMAND`), so their SDK work does not hold up Slack requests on the main thread
   * during an alarm storm; `DYNAMODB_THREAD=off` keeps them in-thread.
   */
  readonly dynamoThread: boolean;
  /**
   * Write the metrics as CloudWatch Embedded Metric Format lines on stdout every minute
   * (`METRICS_EMF=on`, which infra/ sets; docs/metrics.md). Off by default: only `GET /metrics`.
   */
  readonly metricsEmf: boolean;
}

/** Every configuration problem at once, one per line. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: readonly string[]) {
    super(
      `Lifeboat cannot start; the configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface ParseOptions {
  /** In-memory embedded DynamoDB (tests) instead of the on-disk data folder. */
  readonly memoryState?: boolean;
}

/** Parses an environment into a frozen Config, or throws ConfigError listing every problem. */
export function parseConfig(env: Env, options: ParseOptions = {}): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const e = parsed.success ? parsed.data : undefined;

  const has = (name: string) => Boolean(env[name]?.trim());
  if (!has('SLACK_BOT_TOKEN')) {
    problems.push(
      'SLACK_BOT_TOKEN: required (the bot token, xoxb-…); run `npm start` without any Slack variables for the sandbox',
    );
  }
  if (!has('SLACK_APP_TOKEN') && !has('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET: required for the HTTP receiver (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (problems.length > 0 || !e || !e.SLACK_BOT_TOKEN) throw new ConfigError(problems);

  const externalState =
    e.AWS_ENDPOINT_URL_DYNAMODB !== undefined ||
    e.AWS_ENDPOINT_URL !== undefined ||
    e.AWS_ACCESS_KEY_ID !== undefined ||
    e.AWS_PROFILE !== undefined ||
    e.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined ||
    e.AWS_CONTAINER_CREDENTIALS_FULL_URI !== undefined ||
    e.AWS_WEB_IDENTITY_TOKEN_FILE !== undefined;

  return deepFreeze({
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      installation: { teamId: e.SLACK_TEAM_ID, appId: e.SLACK_APP_ID, enterpriseId: e.SLACK_ENTERPRISE_ID },
    },
    http: { port: e.PORT, host: e.HOST },
    planPath: e.DR_PLAN,
    tableName: e.DR_TABLE,
    logLevel: e.LOG_LEVEL,
    alarms: {
      queueUrl: e.DR_ALARM_QUEUE_URL,
      snsMaxAgeMs: e.SNS_MAX_AGE_SECONDS * 1000,
      intakeTopicArn: e.DR_ALARM_INTAKE_TOPIC_ARN,
      rawDelivery: e.DR_ALARM_RAW_DELIVERY === 'on',
      acceptSha1: e.SNS_SIGNATURE_V1 === 'accept',
    },
    auditArchive: e.AUDIT_ARCHIVE_BUCKET
      ? { bucket: e.AUDIT_ARCHIVE_BUCKET, ...archiveLock(e.AUDIT_ARCHIVE_LOCK) }
      : undefined,
    opsTopicArn: e.OPS_TOPIC_ARN,
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION,
    state: externalState
      ? { kind: 'dynamodb' }
      : { kind: 'embedded', dataDir: options.memoryState ? undefined : e.LIFEBOAT_DATA_DIR },
    dynamoThread: e.DYNAMODB_THREAD === 'on',
    metricsEmf: e.METRICS_EMF === 'on',
  });
}

/** True when no Slack variable is set at all: `npm start` then runs the sandbox. */
export function wantsSandbox(env: Env): boolean {
  return ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'].every((k) => !env[k]?.trim());
}

/** The one place that reads process.env. */
export function processEnv(): Env {
  return { ...process.env };
}

function archiveLock(text: string | undefined) {
  if (!text) return {};
  const [mode, days] = text.split(':');
  return { objectLock: { mode: mode as 'GOVERNANCE' | 'COMPLIANCE', retainDays: Number(days) } };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export interface SandboxConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly logLevel: Config['logLevel'];
}

/** `npm start` in sandbox mode: the UI port (PORT, default 3000), data folder and log level (default warn). */
export function parseSandboxConfig(env: Env): SandboxConfig {
  const parsed = envSchema.pick({ PORT: true, LIFEBOAT_DATA_DIR: true, LOG_LEVEL: true }).safeParse(env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return Object.freeze({
    port: parsed.data.PORT,
    dataDir: parsed.data.LIFEBOAT_DATA_DIR,
    logLevel: env.LOG_LEVEL ? parsed.data.LOG_LEVEL : 'warn',
  });
}
