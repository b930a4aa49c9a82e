import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import { drillWorldPerTest } from './fixture.js';

/** The example plan without payments' own drill section (no drill subnet). */
const NO_DRILL_SECTION = readFileSync('dr-plan.example.yml', 'utf8').replace(/ {4}drill:.*\n( {6}.*\n)*/, '');

/** …and payments-api with standby instances only: no launch template, no launch parameters. */
const NO_PLACEMENT = NO_DRILL_SECTION.replace(
  'launchTemplate: { id: lt-0a1b2c3d4e5f60001 }',
  'standbyInstances: [i-0a1b2c3d4e5f60009]',
).replace('action: launch-from-ami', 'action: start-instances');

/**
 * Where a drill launches its instance (issue #15, finding 6): never the recovery Region's default VPC. The
 * plan's drill subnet, else the resource's launch template, else its launch parameters; otherwise refused.
 */
describe('drill launch placement', () => {
  const worlds = drillWorldPerTest();

  it('refuses a drill that would launch into the default VPC, with a clear message and no AWS call', async () => {
    // Prepare
    const world = await worlds.start({ plan: parsePlan(NO_PLACEMENT) });
    world.calls.length = 0;
    // Act
    const requested = await world.requests.request({
      service: 'payments',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      channel: 'C0PAYMENTS',
    });
    // Assert
    expect(requested.kind).toBe('refused');
    expect(requested.kind === 'refused' ? requested.message : '').toMatch(
      /would launch payments-api into the default VPC of us-west-2.*drill\.subnetId/,
    );
    expect(world.calls).toEqual([]);
    const refused = (await world.auditEntries()).find((e) => e.type === 'approval.refused');
    expect(refused?.details).toMatchObject({ kind: 'drill', code: 'no-drill-placement' });
  });

  it('without a drill subnet and with a launch template that names no subnet, fails the launch with the reason and never calls RunInstances', async () => {
    // Prepare: the seeded recovery template has no network interface; the Region has no default VPC.
    const world = await worlds.start({ plan: parsePlan(NO_DRILL_SECTION) });
    world.cloud.scenarios.noDefaultVpc('us-west-2');
    await world.writeRecentData();
    const requested = await world.requests.request({
      service: 'payments',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      channel: 'C0PAYMENTS',
    });
    const id = requested.kind === 'pending' ? requested.drill.id : '';
    expect((await world.requests.approve(id, 'U0BOB')).kind).toBe('started');
    // Act
    const measured = await world.engine().drive(id);
    // Assert
    const step = measured?.steps['payments-api'];
    expect(step?.state).toBe('failed');
    expect(step?.error).toMatch(/launch template lt-0a1b2c3d4e5f60001 .*names no subnet.*drill\.subnetId/);
    expect(world.calls.some((c) => c.operation === 'RunInstances')).toBe(false);
  });
});
