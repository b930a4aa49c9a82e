import { describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../src/adapters/store/leases.js';
import { drillWorldPerTest, isMutating } from './fixture.js';

describe('a drill driver that loses its lease', () => {
  const worlds = drillWorldPerTest();

  it('stops driving when a renewal is refused (another replica holds the lease) and makes no further call', async () => {
    // Prepare: A's third renewal is refused, as when another replica took the lease over.
    const world = await worlds.start();
    const requested = await world.requests.request({
      service: 'accounts',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      channel: 'C0ACCOUNTS',
    });
    const id = requested.kind === 'pending' ? requested.drill.id : '';
    await world.requests.approve(id, 'U0BOB');
    let renewals = 0;
    let refusedAt = -1;
    const leases: LeaseStore = {
      acquire: async (name, owner, ttl) => {
        if (name === `DRILL#${id}` && ++renewals === 4) {
          refusedAt = world.calls.filter(isMutating).length;
          return undefined;
        }
        return world.stores.leases.acquire(name, owner, ttl);
      },
      release: (name, owner) => world.stores.leases.release(name, owner),
      current: (name) => world.stores.leases.current(name),
    };
    const a = world.engine('replica-a', { leases });

    // Act
    const after = await a.drive(id);

    // Assert: still running, nothing called after the refusal.
    expect(refusedAt).toBeGreaterThanOrEqual(0);
    expect(after?.state).toBe('running');
    expect(world.calls.filter(isMutating).length).toBe(refusedAt);
  });
});
