import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import { createArcChecker } from '../../src/readiness/aws/arc.js';
import { controlPlaneChecks } from '../../src/readiness/control-plane.js';
import { simulatedCloud } from '../sandbox/aws-fixture.js';
import { directContext } from './helpers.js';

const example = readFileSync('dr-plan.example.yml', 'utf8');
const payments = (text = example) => {
  const service = parsePlan(text, 'plan.yml').services.payments;
  if (!service) throw new Error('no payments');
  return { ...service, name: 'payments' };
};
const routing = () => {
  const r = payments().resources.find((x) => x.kind === 'arc-routing-control');
  if (r?.kind !== 'arc-routing-control') throw new Error('no arc-routing-control');
  return r;
};

describe('ARC routing control readiness, against the simulated cloud', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('is ready when every cluster endpoint answers and the primary routing control is On', async () => {
    // Prepare
    env = await simulatedCloud();
    // Act
    const checks = await createArcChecker(env.aws).check(
      routing(),
      payments(),
      directContext(env.clock.now()),
    );
    // Assert
    expect(checks.map((c) => [c.name, c.verdict, c.measured])).toEqual([
      ['cluster endpoints', 'ready', { text: '5 of 5 answer' }],
      ['routing control states', 'ready', { text: 'primary On, recovery Off' }],
    ]);
  });

  it('names the endpoint of an impaired Region and still reads the states through the others', async () => {
    // Prepare
    env = await simulatedCloud();
    env.cloud.faults.regionOutage('us-east-1');
    // Act
    const checks = await createArcChecker(env.aws).check(
      routing(),
      payments(),
      directContext(env.clock.now()),
    );
    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['cluster endpoints', 'degraded'],
      ['routing control states', 'ready'],
    ]);
    expect(checks[0]?.reason).toContain('us-east-1 (ServiceUnavailable)');
  });
});

describe('control plane dependency warnings', () => {
  it('warns, per step, when a DNS step needs Route 53’s control plane in the primary Region, naming the alternative', () => {
    // Prepare
    const text = example.replace(
      'kind: arc-routing-control\n          resource: payments-routing',
      'kind: route53\n          resource: payments-dns',
    );
    // Act
    const checks = controlPlaneChecks(payments(text));
    // Assert
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      resourceId: 'payments-dns',
      verdict: 'degraded',
      name: 'control plane dependency',
    });
    expect(checks[0]?.reason).toContain(
      'step flip-dns (failover) needs GetHealthCheck and UpdateHealthCheck',
    );
    expect(checks[0]?.reason).toContain('arc-routing-control');
  });

  it('does not warn for the demo plan, whose DNS moves on ARC’s data plane', () => {
    expect(controlPlaneChecks(payments())).toEqual([]);
  });
});
