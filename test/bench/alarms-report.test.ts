import { describe, expect, it } from 'vitest';
import { cardCounts, cardsBehind, parentsPerIncident } from '../../bench/alarms-report.js';
import type { StoredMessage } from '../../src/sandbox/slack/types.js';

const card = (channel: string, ts: string, incident: string): StoredMessage => ({
  type: 'message',
  channel,
  ts,
  text: 'card',
  blocks: [
    { type: 'context', elements: [{ type: 'mrkdwn', text: `1 alarm(s) · incident \`${incident}\`` }] },
  ],
});

describe('the storm bench counting parent messages per incident', () => {
  it('counts one card once even when its channel is read several times (services sharing a channel)', () => {
    const channel = [card('C1', '1.0', 'inc-a'), card('C1', '2.0', 'inc-b')];
    const counted = parentsPerIncident([...channel, ...channel, ...channel, ...channel]);
    expect(Object.fromEntries(counted)).toEqual({ 'inc-a': 1, 'inc-b': 1 });
  });

  it('still counts a second card posted for the same incident, and ignores thread replies', () => {
    const reply: StoredMessage = { ...card('C1', '3.0', 'inc-a'), thread_ts: '1.0' };
    const counted = parentsPerIncident([card('C1', '1.0', 'inc-a'), card('C1', '2.0', 'inc-a'), reply]);
    expect(counted.get('inc-a')).toBe(2);
  });
});

describe('the storm bench checking every card was updated to the end', () => {
  const counted = (channel: string, ts: string, incident: string, n: number): StoredMessage => ({
    ...card(channel, ts, incident),
    blocks: [
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `1 alarm(s) · ${n} notification(s) · incident \`${incident}\`` }],
      },
    ],
  });

  it('names the incidents whose card shows another count than their record', () => {
    const shown = cardCounts([counted('C1', '1.0', 'inc-a', 12), counted('C1', '2.0', 'inc-b', 7)]);
    expect(Object.fromEntries(shown)).toEqual({ 'inc-a': 12, 'inc-b': 7 });
    const stored = new Map([
      ['inc-a', 12],
      ['inc-b', 9],
    ]);
    expect(cardsBehind({ shown, stored })).toEqual(['inc-b']);
  });
});
