import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failbackGate } from '../../src/failback/gate.js';
import { failbackPreconditions } from '../../src/failback/preconditions.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import { runner, type World, worldPerTest } from '../runbook/world.js';
import { approvedFailback, readinessOf } from './world.js';

const worlds = worldPerTest();

const EXAMPLE = readFileSync('dr-plan.example.yml', 'utf8');
const PRIMARIES = '        primaryInstances: [i-0a1b2c3d4e5f60001]\n';
const PRIMARY_TEMPLATE = 'lt-0b1c2d3e4f5a60002';

/** payments-api as a launch-only service: no primaryInstances, optionally a launch template in us-east-1. */
const launchOnly = (primaryTemplate: boolean): Plan => {
  expect(EXAMPLE).toContain(PRIMARIES);
  return parsePlan(
    EXAMPLE.replace(
      PRIMARIES,
      primaryTemplate ? `        primaryLaunchTemplate: { id: ${PRIMARY_TEMPLATE} }\n` : '',
    ),
  );
};

interface SentCall {
  readonly operation: string;
  readonly region: string;
  readonly outcome: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** Every call the simulated cloud answered, with its input. */
const recordCalls = (w: World): SentCall[] => {
  const sent: SentCall[] = [];
  w.cloud.events.on('call', (c: SentCall) => sent.push(c));
  return sent;
};

const until = async (what: string, ok: () => Promise<boolean>, tries = 400) => {
  for (let i = 0; i < tries; i++) {
    if (await ok()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
};

/** payments failed over (2 instances launched in us-west-2) and Aurora in sync again. */
async function failedOver(w: World) {
  const failover = await runner(w).run((await w.approve('payments', 'planned')).id);
  expect(failover.state, failover.lastError).toBe('completed');
  await until('the clusters to be in sync', async () => {
    const items = (await readinessOf(w, 'payments')).items;
    return items.find((i) => i.resourceId === 'payments-db')?.status === 'ready';
  });
}

const launchesIn = (sent: readonly SentCall[], region: string) =>
  sent.filter((c) => c.operation === 'RunInstances' && c.region === region);

describe('ec2 failback of a resource without primaryInstances', () => {
  it('blocks the failback request on the card and at approval, naming primaryLaunchTemplate', async () => {
    // Prepare
    const world = await worlds.start({ plan: launchOnly(false) });
    await failedOver(world);

    // Act
    const readiness = await readinessOf(world, 'payments');

    // Assert
    const item = readiness.items.find((i) => i.resourceId === 'payments-api');
    expect(item).toMatchObject({ kind: 'ec2', status: 'blocked' });
    expect(item?.text).toContain(
      "the failback's launch-from-ami step cannot bring payments-api up in us-east-1",
    );
    expect(item?.byHand).toContain('Add primaryLaunchTemplate: { id, version }');
    const gate = failbackGate(readiness);
    expect(gate.ok).toBe(false);
    expect(gate.ok ? '' : gate.message).toContain('payments-api');
    expect(failbackPreconditions(readiness).ok).toBe(false);
  }, 30_000);

  it('says so in the failback dry-run and lists no launch in us-east-1', async () => {
    // Prepare
    const world = await worlds.start({ plan: launchOnly(false) });
    await failedOver(world);

    // Act
    const plan = await runner(world).dryRun('payments', 'planned', 'failback');

    // Assert
    const step = plan.steps.find((s) => s.id === 'start-api');
    expect(step?.calls).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        /^start-api: can run: the failback's launch-from-ami step cannot bring payments-api up in us-east-1.*Add primaryLaunchTemplate/,
      ),
    ]);
  }, 30_000);

  it('refuses the step rather than launching in us-east-1 from the recovery Region template', async () => {
    // Prepare: a failback approved anyway (the request flow would refuse it)
    const world = await worlds.start({ plan: launchOnly(false) });
    await failedOver(world);
    const sent = recordCalls(world);

    // Act
    const paused = await runner(world).run((await approvedFailback(world, 'payments')).id);

    // Assert
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('start-api');
    expect(paused.lastError).toContain('Add primaryLaunchTemplate');
    expect(launchesIn(sent, 'us-east-1')).toEqual([]);
  }, 30_000);

  it("launches from the plan's primaryLaunchTemplate in us-east-1 when it names one", async () => {
    // Prepare
    const plan = launchOnly(true);
    const world = await worlds.start({ plan });
    await failedOver(world);
    const sent = recordCalls(world);

    // Act
    const readiness = await readinessOf(world, 'payments');
    const done = await runner(world).run((await approvedFailback(world, 'payments')).id);

    // Assert
    expect(readiness.items.map((i) => i.resourceId)).not.toContain('payments-api');
    expect(allSteps(routeFor(plan, 'payments', 'failback')).find((s) => s.id === 'start-api')).toMatchObject({
      action: 'launch-from-ami',
    });
    expect(done.state, done.lastError).toBe('completed');
    const launches = launchesIn(sent, 'us-east-1');
    expect(launches.map((c) => [c.outcome, c.input.LaunchTemplate, c.input.ImageId])).toEqual([
      ['ok', { LaunchTemplateId: PRIMARY_TEMPLATE, Version: '$Latest' }, undefined],
    ]);
    expect(String(done.steps['start-api']?.observed?.launched ?? '').split(',')).toHaveLength(2);
  }, 30_000);
});
