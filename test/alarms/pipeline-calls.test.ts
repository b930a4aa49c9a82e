import { describe, expect, it } from 'vitest';
import type { Versioned } from '../../src/adapters/store/versioned.js';
import { KNOWN_SERVICES } from '../../src/alarms/pipeline.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import { applier } from './applier-fakes.js';

/**
 * DynamoDB calls of the applier (issue 19): in a regional storm each of 200 services got less than one
 * notification a second, so each was applied alone, and each batch read the open-incident pointer and the
 * incident before writing it (GetItem ALARMOPEN 94,946, GetItem INCIDENT 118,751, PutItem INCIDENT 79,209
 * for 100,000 notifications). Counted on in-memory stores with virtual time.
 */

describe('the applier reads the incident only when it does not know it', () => {
  it('applies a service’s notifications one by one, after quiet spells, with one read of pointer and incident', async () => {
    // Prepare: no storm (the rate threshold is never reached)
    const a = applier({ stormRatePerSecond: 1_000 });

    // Act: ten notifications of one service, 2 s apart, each applied alone (the first after a quiet spell)
    for (let i = 0; i < 10; i++) {
      await a.ingest('svc-001');
      await a.timer.advance(2_000);
    }
    await a.pipeline.idle();

    // Assert: ten incident writes (one creation), the pointer and the incident read once at most
    expect(a.applied()).toBe(10);
    expect(a.incidents.calls.create + a.incidents.calls.transition).toBe(10);
    expect(a.pointers.calls.get).toBe(1);
    expect(a.incidents.calls.get).toBeLessThanOrEqual(1);
    const [incident] = [...a.incidents.items.values()];
    expect(incident?.notifications).toBe(10);
  });

  it('starts again from what another writer stored when its conditional write loses', async () => {
    // Prepare: an open incident, then someone else (the card's ts, an acknowledgement) writes it
    const a = applier({ stormRatePerSecond: 1_000 });
    await a.ingest('svc-001');
    await a.timer.advance(2_000);
    const [[id, opened]] = [...a.incidents.items.entries()] as [[string, IncidentRecord & Versioned]];
    a.incidents.items.set(id, { ...opened, threadTs: '1.000100', version: opened.version + 1 });

    // Act
    await a.ingest('svc-001');
    await a.timer.advance(2_000);
    await a.pipeline.idle();

    // Assert: one lost write, then one that counts on top of the other writer's, without reading again
    const after = a.incidents.items.get(id);
    expect(after?.notifications).toBe(2);
    expect(after?.threadTs).toBe('1.000100');
    expect(a.incidents.calls.transition).toBe(2);
    expect(a.pointers.calls.get).toBe(1);
  });

  it('reads again past a resolved incident, where another replica may have opened the next one', async () => {
    // Prepare: replica A opens and resolves an incident; replica B opens the next one
    const a = applier({ stormRatePerSecond: 1_000 });
    const b = applier({ stormRatePerSecond: 1_000 }, undefined, a);
    await a.ingest('svc-001', 'ALARM', 'svc-001-db');
    await a.timer.advance(2_000);
    await a.ingest('svc-001', 'OK', 'svc-001-db');
    await a.timer.advance(2_000);
    await b.ingest('svc-001', 'ALARM', 'svc-001-db');
    await a.timer.advance(2_000);

    // Act: A receives the OK that ends B's incident
    await a.ingest('svc-001', 'OK', 'svc-001-db');
    await a.timer.advance(2_000);
    await a.pipeline.idle();
    await b.pipeline.idle();

    // Assert: two incidents, both resolved; the second counted its ALARM and its OK
    const incidents = [...a.incidents.items.values()].sort((x, y) => x.openedAtMs - y.openedAtMs);
    expect(incidents.map((i) => [i.state, i.notifications])).toEqual([
      ['resolved', 2],
      ['resolved', 2],
    ]);
  });

  it('keeps what it knows for at most KNOWN_SERVICES services, forgetting the least recently applied', async () => {
    // Prepare
    const a = applier({ stormRatePerSecond: 1_000_000 });
    for (let i = 0; i <= KNOWN_SERVICES; i++) await a.ingest(`svc-${String(i)}`);
    await a.timer.advance(0);
    await a.pipeline.idle();
    const reads = a.pointers.calls.get;

    // Act: the service applied first was forgotten, the one applied last is still known
    await a.timer.advance(2_000);
    await a.ingest(`svc-${String(KNOWN_SERVICES)}`);
    await a.ingest('svc-0');
    await a.timer.advance(0);
    await a.pipeline.idle();

    // Assert: one more read, for svc-0 only
    expect(reads).toBe(KNOWN_SERVICES + 1);
    expect(a.pointers.calls.get).toBe(reads + 1);
  });
});

describe('a storm across many services gathers each service’s notifications', () => {
  it('applies 200 notifications over 20 services (one every 2 s each, 10/s in all) in about half the writes', async () => {
    // Prepare: a storm is 5 notifications a second or more
    const a = applier({ stormRatePerSecond: 5, stormGapMs: 3_000 });

    // Act: the regional shape in small: every service below one notification a second
    for (let i = 0; i < 200; i++) {
      await a.ingest(`svc-${String(i % 20).padStart(3, '0')}`);
      await a.timer.advance(100);
    }
    await a.timer.advance(10_000);
    await a.pipeline.idle();

    // Assert: everything applied, in at most 60 % of one write per notification (without: 200)
    expect(a.applied()).toBe(200);
    const writes = a.incidents.calls.create + a.incidents.calls.transition;
    expect(writes).toBeLessThanOrEqual(120);
    const counted = [...a.incidents.items.values()].reduce((sum, i) => sum + (i.notifications ?? 0), 0);
    expect(counted).toBe(200);
    expect(a.pointers.calls.get).toBe(20);
  });

  it('applies a lone alarm at once when there is no storm', async () => {
    // Prepare
    const a = applier({ stormRatePerSecond: 5, stormGapMs: 3_000 });

    // Act: one ALARM, no time passes
    await a.ingest('svc-001');
    await a.timer.advance(0);

    // Assert
    expect(a.applied()).toBe(1);
  });
});
