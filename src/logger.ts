import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths pino replaces with [redacted]: tokens, secrets and auth headers never reach the log. */
export const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'authorization',
  'password',
  'secret',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.authorization',
  '*.secret',
  'headers.authorization',
  'headers["x-slack-signature"]',
  '*.headers.authorization',
  'config.slack.botToken',
  'config.slack.signingSecret',
  'config.slack.appToken',
];

export interface LoggerSetup {
  readonly level: LoggerOptions['level'];
  readonly name?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to capture. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(setup: LoggerSetup): Logger {
  const options: LoggerOptions = {
    level: setup.level ?? 'info',
    name: setup.name ?? 'lifeboat',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Bolt and the WebClient log strings that may embed tokens: scrub them too.
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
  return setup.destination ? pino(options, setup.destination as pino.DestinationStream) : pino(options);
}

const SECRET_PATTERN = /\b(xox[abpre]-|xapp-)[A-Za-z0-9-]+/g;

export function scrubSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, '$1[redacted]');
}

const TO_BOLT: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

const FROM_BOLT: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/** pino behind Bolt's Logger interface, so Bolt and the WebClient log through the same redaction. */
export function toBoltLogger(logger: Logger): BoltLogger {
  let child = logger.child({ component: 'bolt' });
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => child.debug(join(msg)),
    info: (...msg) => child.info(join(msg)),
    warn: (...msg) => child.warn(join(msg)),
    error: (...msg) => child.error(join(msg)),
    setLevel: (level) => {
      child.level = FROM_BOLT[level];
    },
    getLevel: () => TO_BOLT[child.level] ?? LogLevel.INFO,
    setName: (name) => {
      child = logger.child({ component: name });
    },
  };
}
