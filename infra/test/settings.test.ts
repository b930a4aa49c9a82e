import { describe, expect, it } from 'vitest';
import { DeploySettingsError, resolveSettings } from '../lib/settings.js';
import { DYNAMO_ONLY_PLAN, EXAMPLE_PLAN, REPO_ROOT, readPlan } from './helpers.js';

const CERT = 'arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-0000-4000-8000-000000000000';
const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DeploySettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected DeploySettingsError');
}

describe('resolveSettings', () => {
  const { plan } = readPlan(EXAMPLE_PLAN);

  it('deploys into the recovery Region and account of the plan by default', () => {
    // Act
    const settings = resolveSettings(plan, contextOf({ certificateArn: CERT }), REPO_ROOT);

    // Assert
    expect(settings.region).toBe('us-west-2');
    expect(settings.account).toBe('123456789012');
    expect(settings.availabilityZones).toEqual(['us-west-2a', 'us-west-2b']);
    expect(settings.image).toEqual({ kind: 'asset', directory: REPO_ROOT });
    expect(settings.desiredCount).toBe(2);
  });

  it('refuses a Region that is a primary Region of the plan, naming the services', () => {
    // Act
    const problems = problemsOf(() => resolveSettings(plan, contextOf({ region: 'us-east-1' }), REPO_ROOT));

    // Assert
    expect(problems.join('\n')).toContain('us-east-1 is the primary Region of payments, accounts');
    expect(problems.join('\n')).toContain('allowPrimaryRegion=true');
  });

  it('accepts a primary Region when explicitly overridden', () => {
    // Prepare
    const cert = CERT.replace('us-west-2', 'us-east-1');

    // Act
    const settings = resolveSettings(
      plan,
      contextOf({ region: 'us-east-1', allowPrimaryRegion: 'true', certificateArn: cert }),
      REPO_ROOT,
    );

    // Assert
    expect(settings.region).toBe('us-east-1');
  });

  it('requires a certificate in HTTP mode but not in Socket Mode', () => {
    // Act
    const problems = problemsOf(() => resolveSettings(plan, contextOf({}), REPO_ROOT));
    const socket = resolveSettings(plan, contextOf({ socketMode: true }), REPO_ROOT);

    // Assert
    expect(problems[0]).toMatch(/^certificateArn: required/);
    expect(socket.socketMode).toBe(true);
    expect(socket.certificateArn).toBeUndefined();
  });

  it('reports every bad context value at once', () => {
    // Act
    const problems = problemsOf(() =>
      resolveSettings(
        plan,
        contextOf({
          certificateArn: CERT.replace('us-west-2', 'eu-west-1'),
          desiredCount: 'two',
          socketMode: 'maybe',
          cpuArchitecture: 'SPARC',
          passRoleArns: 'not-a-role',
        }),
        REPO_ROOT,
      ),
    );

    // Assert
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'socketMode',
      'certificateArn',
      'cpuArchitecture',
      'passRoleArns',
      'desiredCount',
    ]);
  });

  it('uses a registry image and a list of roles from context strings', () => {
    // Act
    const settings = resolveSettings(
      readPlan(DYNAMO_ONLY_PLAN).plan,
      contextOf({
        socketMode: 'true',
        image: '123456789012.dkr.ecr.eu-central-1.amazonaws.com/lifeboat:1.0.0',
        passRoleArns: 'arn:aws:iam::210987654321:role/a, arn:aws:iam::210987654321:role/b',
      }),
      REPO_ROOT,
    );

    // Assert
    expect(settings.region).toBe('eu-central-1');
    expect(settings.image).toEqual({
      kind: 'registry',
      uri: '123456789012.dkr.ecr.eu-central-1.amazonaws.com/lifeboat:1.0.0',
    });
    expect(settings.passRoleArns).toEqual([
      'arn:aws:iam::210987654321:role/a',
      'arn:aws:iam::210987654321:role/b',
    ]);
  });

  it('asks for a Region when services recover into different Regions', () => {
    // Prepare
    const { plan: split } = readPlan(EXAMPLE_PLAN, (t) =>
      t.replace(/(accounts:\n(?:.*\n)*?\s+recoveryRegion: )us-west-2/, '$1us-east-2'),
    );

    // Act
    const problems = problemsOf(() => resolveSettings(split, contextOf({ socketMode: true }), REPO_ROOT));

    // Assert
    expect(problems[0]).toContain('several Regions (us-west-2, us-east-2)');
  });
});
