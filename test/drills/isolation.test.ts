import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { drillCard } from '../../blocks/drills/card.js';
import { drillIsolation } from '../../src/drills/plan.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { type DrillWorld, drillWorld } from './fixture.js';

/** The example plan without payments' own drill section. */
const EXAMPLE = readFileSync('dr-plan.example.yml', 'utf8').replace(/ {4}drill:.*\n( {6}.*\n)*/, '');
const ANCHOR = '    runbookUrl: https://wiki.example.com/runbooks/payments\n';
const withDrillSection = (section: string) => EXAMPLE.replace(ANCHOR, `${ANCHOR}${section}`);
const ISOLATED = `    drill:
      subnetId: subnet-0d1e2f
      securityGroupIds: [sg-0aa11]
      dbSubnetGroupName: drills-isolated
      vpcSecurityGroupIds: [sg-0bb22]
      cleanupAfter: 2h
`;

describe('drill isolation from the plan', () => {
  let world: DrillWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('parses a drill section with a 60 minute cleanup by default and refuses unknown or malformed fields', () => {
    // Act
    const plan = parsePlan(withDrillSection('    drill:\n      subnetId: subnet-0d1e2f\n'));
    const typo = () => parsePlan(withDrillSection('    drill:\n      subnetID: subnet-0d1e2f\n'));
    const bad = () => parsePlan(withDrillSection('    drill:\n      securityGroupIds: [default]\n'));

    // Assert
    expect(plan.services.payments?.drill).toEqual({ subnetId: 'subnet-0d1e2f', cleanupAfter: 60 * 60_000 });
    expect(typo).toThrow(PlanError);
    expect(bad).toThrow(/security group ID/);
  });

  it('says plainly how isolated a drill is: fully, partly, or the account defaults', () => {
    // Prepare
    const plan = parsePlan(withDrillSection(ISOLATED));
    const partial = parsePlan(withDrillSection('    drill:\n      subnetId: subnet-0d1e2f\n'));
    const service = (p: typeof plan) => {
      const s = p.services.payments;
      if (!s) throw new Error('no payments');
      return s;
    };

    // Act
    const full = drillIsolation(service(plan));
    const part = drillIsolation(service(partial));
    const none = drillIsolation(service(parsePlan(EXAMPLE)));

    // Assert
    expect(full).toMatchObject({ level: 'isolated', text: expect.stringContaining('subnet-0d1e2f') });
    expect(part.level).toBe('partial');
    expect(part.text).toContain('instance security groups');
    expect(part.text).toContain('database subnet group and security groups');
    expect(none).toMatchObject({
      level: 'none',
      text: expect.stringContaining("account's defaults in us-west-2"),
    });
  });

  it('launches and restores into the plan’s subnet and security groups, keeps resources for its cleanupAfter, audits cleanup as drill.cleanup', async () => {
    // Prepare
    world = await drillWorld({ plan: parsePlan(withDrillSection(ISOLATED)) });
    const w = world;
    await w.writeRecentData();
    const requested = await w.requests.request({
      service: 'payments',
      requestedBy: 'U0ALICE',
      reason: 'isolated drill',
      channel: 'C0PAYMENTS',
    });
    const id = requested.kind === 'pending' ? requested.drill.id : '';
    expect((await w.requests.approve(id, 'U0BOB')).kind).toBe('started');
    const engine = w.engine();

    // Act
    const measured = await engine.drive(id);
    await engine.cleanupNow(id, 'U0ALICE');
    const finished = await engine.drive(id);

    // Assert
    const run = w.calls.find((c) => c.operation === 'RunInstances');
    expect(run?.input).toMatchObject({ SubnetId: 'subnet-0d1e2f', SecurityGroupIds: ['sg-0aa11'] });
    const restore = w.calls.find((c) => c.operation === 'RestoreDBClusterFromSnapshot');
    expect(restore?.input).toMatchObject({
      DBSubnetGroupName: 'drills-isolated',
      VpcSecurityGroupIds: ['sg-0bb22'],
    });
    expect((measured?.cleanupAtMs ?? 0) - (measured?.readyAtMs ?? 0)).toBeGreaterThanOrEqual(2 * 60 * 60_000);
    expect(measured?.isolation?.level).toBe('isolated');
    expect(finished?.state).toBe('finished');
    const entries = (await w.auditEntries()).filter((e) => e.executionId === id);
    const cleanup = entries.filter((e) => e.type === 'drill.cleanup');
    expect(cleanup.map((e) => [e.actor, e.details.phase])).toEqual([
      ['U0ALICE', 'started'],
      ['U0ALICE', 'finished'],
    ]);
    expect(entries.some((e) => e.type === 'step.intent' || e.type === 'step.outcome')).toBe(false);
  });

  it('shows on the drill card that the account defaults were used when the plan has no drill section', async () => {
    // Prepare
    world = await drillWorld();
    const requested = await world.requests.request({
      service: 'accounts',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      channel: 'C0ACCOUNTS',
    });
    if (requested.kind !== 'pending') throw new Error(requested.kind);

    // Act
    const card = drillCard(requested.drill, world.clock.now());

    // Assert
    const text = JSON.stringify(card.blocks);
    expect(text).toContain(':warning: Not isolated');
    expect(text).toContain("account's defaults in us-west-2");
  });
});
