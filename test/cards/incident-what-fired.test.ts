import { describe, expect, it } from 'vitest';
import { incidentCard } from '../../blocks/alarms/incident.js';
import type { AlarmEvent } from '../../src/alarms/cloudwatch.js';
import { applyNotices, openIncident } from '../../src/alarms/incident-state.js';
import { validateBlocks } from '../../src/sandbox/slack/blockkit.js';

const T0 = Date.UTC(2026, 11, 6, 21, 0, 0);
const event = (name: string, state: AlarmEvent['state'], atMs: number, reason: string): AlarmEvent => ({
  name,
  kind: 'metric',
  state,
  reason,
  changedAtMs: atMs,
  region: 'us-east-1',
  watching: `${name} metric > 0`,
});

const text = (blocks: unknown) => JSON.stringify(blocks);

describe('incident card: what fired', () => {
  it('keeps the alarm that fired and why it fired, whatever changed last', () => {
    let incident = openIncident({
      id: 'inc-1',
      service: 'payments',
      channel: 'C0PAYMENTS',
      unrouted: false,
      first: {
        id: 'm1',
        event: event('payments-db-down', 'ALARM', T0, 'Threshold Crossed: 3 datapoints > 0'),
      },
    });
    incident = applyNotices(incident, [
      { id: 'm2', event: event('payments-api-5xx', 'ALARM', T0 + 60_000, 'Threshold Crossed: 5xx > 10') },
      { id: 'm3', event: event('payments-db-down', 'INSUFFICIENT_DATA', T0 + 120_000, 'Insufficient Data') },
    ]).next;
    const card = incidentCard({ incident });
    expect(validateBlocks(card.blocks, 'message')).toEqual([]);
    const summary = card.blocks.find((b) => b.block_id === 'incident_summary');
    const s = text(summary);
    expect(s).toContain('payments-db-down');
    expect(s).toContain('Threshold Crossed: 3 datapoints');
    expect(s).not.toContain('Why:* Insufficient Data');
    // Both fired alarms, in the order they fired, each with its current state.
    const all = text(card.blocks);
    const first = all.indexOf('`payments-db-down`', all.indexOf('fired'));
    expect(all).toMatch(/payments-db-down.*fired.*now \*INSUFFICIENT_DATA\*/);
    expect(all).toMatch(/payments-api-5xx.*fired.*now \*ALARM\*/);
    const list = card.blocks.find((b) => b.block_id === 'incident_alarms');
    const l = text(list);
    expect(l.indexOf('payments-db-down')).toBeLessThan(l.indexOf('payments-api-5xx'));
    expect(first).toBeGreaterThan(-1);
  });

  it('an alarm that went OK and fired again is listed once, in the order it first fired', () => {
    let incident = openIncident({
      id: 'inc-2',
      service: 'payments',
      channel: 'C0PAYMENTS',
      unrouted: false,
      first: { id: 'm1', event: event('a-first', 'ALARM', T0, 'first fired') },
    });
    incident = applyNotices(incident, [
      { id: 'm2', event: event('b-second', 'ALARM', T0 + 1_000, 'second fired') },
      { id: 'm3', event: event('a-first', 'OK', T0 + 2_000, 'recovered') },
      { id: 'm4', event: event('a-first', 'ALARM', T0 + 3_000, 'fired again') },
    ]).next;
    const l = text(incidentCard({ incident }).blocks.find((b) => b.block_id === 'incident_alarms'));
    expect(l.indexOf('a-first')).toBeLessThan(l.indexOf('b-second'));
    const s = text(incidentCard({ incident }).blocks.find((b) => b.block_id === 'incident_summary'));
    expect(s).toContain('a-first');
    expect(s).toContain('first fired');
  });
});
