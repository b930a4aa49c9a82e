import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, wantsSandbox } from '../../src/config.js';

const valid = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'shh' };

describe('configuration', () => {
  it('parses a minimal HTTP-mode environment with documented defaults', () => {
    const config = parseConfig(valid);

    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(config.planPath).toBe('dr-plan.yml');
    expect(config.tableName).toBe('lifeboat');
    expect(config.logLevel).toBe('info');
    expect(config.state).toEqual({ kind: 'embedded', dataDir: '.lifeboat' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.slack)).toBe(true);
  });

  it('reports every problem in one message', () => {
    // Prepare
    const env = {
      SLACK_BOT_TOKEN: 'not-a-bot-token',
      PORT: '99999',
      LOG_LEVEL: 'loud',
      SLACK_API_URL: 'nope',
    };

    // Act
    const error = (() => {
      try {
        parseConfig(env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    const message = (error as ConfigError).message;
    for (const name of ['SLACK_BOT_TOKEN', 'PORT', 'LOG_LEVEL', 'SLACK_API_URL', 'SLACK_SIGNING_SECRET']) {
      expect(message).toContain(name);
    }
  });

  it('accepts Socket Mode without a signing secret', () => {
    const config = parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-2' });
    expect(config.slack.appToken).toBe('xapp-1-2');
    expect(config.slack.signingSecret).toBeUndefined();
  });

  it('uses an external DynamoDB when an endpoint or credentials are configured', () => {
    expect(parseConfig({ ...valid, AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' }).state).toEqual({
      kind: 'dynamodb',
    });
    expect(parseConfig({ ...valid, AWS_PROFILE: 'dr' }).state).toEqual({ kind: 'dynamodb' });
    expect(parseConfig(valid, { memoryState: true }).state).toEqual({ kind: 'embedded', dataDir: undefined });
  });

  it('wants the sandbox only when no Slack variable is set', () => {
    expect(wantsSandbox({})).toBe(true);
    expect(wantsSandbox({ SLACK_BOT_TOKEN: ' ' })).toBe(true);
    expect(wantsSandbox({ SLACK_SIGNING_SECRET: 'x' })).toBe(false);
  });
});

describe('audit archive configuration', () => {
  it('reads the bucket and an Object Lock retention', () => {
    const config = parseConfig({
      ...valid,
      AUDIT_ARCHIVE_BUCKET: 'audit-archive',
      AUDIT_ARCHIVE_LOCK: 'COMPLIANCE:2555',
    });
    expect(config.auditArchive).toEqual({
      bucket: 'audit-archive',
      objectLock: { mode: 'COMPLIANCE', retainDays: 2555 },
    });
  });

  it('rejects a malformed retention', () => {
    expect(() =>
      parseConfig({ ...valid, AUDIT_ARCHIVE_BUCKET: 'audit-archive', AUDIT_ARCHIVE_LOCK: 'forever' }),
    ).toThrow('AUDIT_ARCHIVE_LOCK: expected MODE:DAYS');
  });
});
