import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import { drillWorldPerTest } from './fixture.js';

describe('drill requests', () => {
  const worlds = drillWorldPerTest();

  it('refuses a requester who is not an approver, self-approval, and a second drill of the same service', async () => {
    // Prepare
    const world = await worlds.start();
    const ask = (requestedBy: string) =>
      world?.requests.request({ service: 'payments', requestedBy, reason: 'drill', channel: 'C0PAYMENTS' });

    // Act
    const outsider = await ask('U0MALLORY');
    const first = await ask('U0ALICE');
    const second = await ask('U0BOB');
    const id = first?.kind === 'pending' ? first.drill.id : '';
    const self = await world.requests.approve(id, 'U0ALICE');
    const stranger = await world.requests.approve(id, 'U0MALLORY');
    const bob = await world.requests.approve(id, 'U0BOB');

    // Assert
    expect(outsider?.kind).toBe('refused');
    expect(first?.kind).toBe('pending');
    expect(second?.kind).toBe('busy');
    expect(self).toMatchObject({ kind: 'refused', message: expect.stringContaining('different approver') });
    expect(stranger.kind).toBe('refused');
    expect(bob.kind).toBe('started');
    const types = (await world.auditEntries()).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['auth.refused', 'approval.refused', 'request.created', 'drill.started']),
    );
  });

  it('starts at once when drillApprovalsRequired is 0 (the requester alone)', async () => {
    // Prepare
    const text = (await import('node:fs')).readFileSync('dr-plan.example.yml', 'utf8');
    const plan = parsePlan(
      text.replace('  drillInterval: 90d', '  drillInterval: 90d\n  drillApprovalsRequired: 0'),
    );
    const world = await worlds.start({ plan });

    // Act
    const out = await world.requests.request({
      service: 'accounts',
      requestedBy: 'U0BOB',
      reason: 'weekly drill',
      channel: 'C0ACCOUNTS',
    });

    // Assert
    expect(out.kind).toBe('started');
    expect(out.kind === 'started' ? out.drill.state : undefined).toBe('running');
  });
});
