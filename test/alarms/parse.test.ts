import { describe, expect, it } from 'vitest';
import { AlarmParseError, parseAlarmMessage, parseAlarmTime } from '../../src/alarms/cloudwatch.js';
import { REGION_CODES, regionCode, regionName } from '../../src/alarms/regions.js';
import { globToRegExp, routeAlarm } from '../../src/alarms/routing.js';
import { parsePlan } from '../../src/plan/load.js';
import { anomalyAlarm, compositeAlarm, mathAlarm, metricAlarm } from './fixtures.js';
import { PLAN_YAML } from './harness.js';

const AT = Date.UTC(2026, 10, 21, 9, 5, 0);

describe('CloudWatch alarm notifications', () => {
  it('parses a metric alarm: state, time, Region code, what it watches', () => {
    const event = parseAlarmMessage(metricAlarm('payments-db-lag', 'ALARM', AT));

    expect(event).toMatchObject({
      name: 'payments-db-lag',
      kind: 'metric',
      state: 'ALARM',
      previousState: 'OK',
      changedAtMs: AT,
      region: 'us-east-1',
      account: '123456789012',
    });
    expect(event.watching).toContain(
      'AWS/RDS AuroraGlobalDBReplicationLag (DBClusterIdentifier=payments-use1)',
    );
    expect(event.watching).toContain('> 1000');
    expect(event.reason).toContain('Threshold Crossed');
  });

  it('parses a metric-math alarm by the expression it returns', () => {
    const event = parseAlarmMessage(mathAlarm('payments-error-rate', 'ALARM', AT));

    expect(event.kind).toBe('metric-math');
    expect(event.watching).toContain('Error rate: 100 * errors / requests > 5');
    expect(event.region).toBe('eu-west-1');
  });

  it('parses an anomaly-detection alarm (threshold is a band)', () => {
    const event = parseAlarmMessage(anomalyAlarm('payments-cpu-anomaly', 'INSUFFICIENT_DATA', AT));

    expect(event.kind).toBe('metric-math');
    expect(event.state).toBe('INSUFFICIENT_DATA');
    expect(event.watching).toContain('ANOMALY_DETECTION_BAND(m1, 2)');
    expect(event.watching).toContain('outside band ad1');
    expect(event.region).toBe('sa-east-1');
  });

  it('parses a composite alarm: rule and triggering children', () => {
    const event = parseAlarmMessage(
      compositeAlarm('payments-region-impaired', 'ALARM', AT, ['payments-db-lag', 'payments-api-5xx']),
    );

    expect(event.kind).toBe('composite');
    expect(event.watching).toBe('ALARM("payments-db-lag") OR ALARM("payments-api-5xx")');
    expect(event.triggeringChildren).toEqual(['payments-db-lag', 'payments-api-5xx']);
  });

  it('maps the Region long name when the ARN is missing, including the older EU names and accents', () => {
    const message = JSON.parse(metricAlarm('x', 'OK', AT)) as Record<string, unknown>;
    delete message.AlarmArn;
    for (const [name, code] of [
      ['US East (N. Virginia)', 'us-east-1'],
      ['EU (Frankfurt)', 'eu-central-1'],
      ['Europe (Frankfurt)', 'eu-central-1'],
      ['South America (São Paulo)', 'sa-east-1'],
      ['Asia Pacific (Osaka)', 'ap-northeast-3'],
      ['Middle East (UAE)', 'me-central-1'],
    ] as const) {
      expect(parseAlarmMessage(JSON.stringify({ ...message, Region: name })).region).toBe(code);
    }
  });

  it('knows every commercial Region and round-trips names', () => {
    expect(REGION_CODES.length).toBeGreaterThanOrEqual(34);
    for (const code of REGION_CODES) expect(regionCode(regionName(code) ?? '')).toBe(code);
    expect(regionCode('Atlantis (Central)')).toBeUndefined();
  });

  it('reads CloudWatch timestamps with +0000 offsets and refuses other text', () => {
    expect(parseAlarmTime('2026-11-21T09:05:00.000+0000')).toBe(AT);
    expect(parseAlarmTime('2026-11-21T09:05:00Z')).toBe(AT);
    expect(parseAlarmTime('yesterday')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops', 'not_json'],
    ['another service', JSON.stringify({ source: 'aws.health', detail: {} }), 'not_an_alarm'],
    [
      'an unknown state',
      metricAlarm('x', 'ALARM', AT).replace('"NewStateValue":"ALARM"', '"NewStateValue":"PANIC"'),
      'not_an_alarm',
    ],
    [
      'a bad time',
      metricAlarm('x', 'ALARM', AT).replace(/"StateChangeTime":"[^"]+"/, '"StateChangeTime":"soon"'),
      'bad_time',
    ],
  ])('refuses %s with a reason', (_what, message, reason) => {
    expect(() => parseAlarmMessage(message)).toThrow(AlarmParseError);
    try {
      parseAlarmMessage(message);
    } catch (error) {
      expect((error as AlarmParseError).reason).toBe(reason);
    }
  });
});

describe('routing by the plan alarm rules', () => {
  const plan = parsePlan(PLAN_YAML);

  it('prefers an exact name over a pattern, and matches globs, patterns and ARNs', () => {
    expect(routeAlarm(plan, { name: 'payments-db-writer-unavailable' })).toMatchObject({
      kind: 'service',
      service: 'payments',
      autoRequestFailover: true,
    });
    expect(routeAlarm(plan, { name: 'payments-anything' })).toMatchObject({
      service: 'payments',
      autoRequestFailover: false,
    });
    expect(routeAlarm(plan, { name: 'accounts-login' })).toMatchObject({
      service: 'accounts',
      channel: 'C0ACCOUNTS',
    });
    expect(
      routeAlarm(plan, {
        name: 'shared-login-errors',
        arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:shared-login-errors',
      }),
    ).toMatchObject({ service: 'accounts' });
  });

  it('sends what matches nothing to the unrouted channel', () => {
    expect(routeAlarm(plan, { name: 'orphan' })).toEqual({ kind: 'unrouted', channel: 'C0DROPS' });
  });

  it('treats glob characters literally except * and ?', () => {
    expect(globToRegExp('a.b-*').test('a.b-c')).toBe(true);
    expect(globToRegExp('a.b-*').test('axb-c')).toBe(false);
    expect(globToRegExp('db-?').test('db-1')).toBe(true);
    expect(globToRegExp('db-?').test('db-12')).toBe(false);
  });
});
