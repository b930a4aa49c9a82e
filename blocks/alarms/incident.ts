import type { KnownBlock } from '@slack/types';
import { alarmCounts } from '../../src/domain/incident-summary.js';
import type { AlarmState, IncidentRecord } from '../../src/domain/records.js';
import { escapeText, truncate } from '../escape.js';
import { ActionId, BlockId } from '../ids.js';
import { slackDate } from '../readiness/format.js';

/** The incident thread's parent message, rebuilt from the record each time it is edited. */
export interface IncidentCardView {
  readonly incident: IncidentRecord;
  readonly serviceDescription?: string;
  readonly runbookUrl?: string;
  /** Readiness summary as mrkdwn (already escaped), 'checking' while it runs, absent for unrouted. */
  readonly readiness?: string | 'checking' | 'unavailable';
  /** What became of the service since the incident opened (mrkdwn, escaped), e.g. "Failed over to us-west-2 at …". */
  readonly outcome?: string;
  /** False when the service runs in its recovery Region: no Request failover (failback is `/dr failback`). Default true. */
  readonly offerFailover?: boolean;
}

export interface Message {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export const STATE_EMOJI: Record<AlarmState, string> = {
  ALARM: ':red_circle:',
  OK: ':large_green_circle:',
  INSUFFICIENT_DATA: ':white_circle:',
};

const MAX_ALARM_LINES = 15;

const title = (i: IncidentRecord) => (i.unrouted ? 'unrouted alarms' : i.service);

/** When an alarm fired: first reached ALARM in this incident (older records: its latest change). */
const firedAt = (a: IncidentRecord['alarms'][string]) => a.firedAtMs ?? a.changedAtMs;

/** The listed alarms in the order they fired (ties by name, so the card is stable). */
function firingOrder(incident: IncidentRecord): [string, IncidentRecord['alarms'][string]][] {
  return Object.entries(incident.alarms).sort(
    ([na, a], [nb, b]) => firedAt(a) - firedAt(b) || (na < nb ? -1 : na > nb ? 1 : 0),
  );
}

/** Every alarm that fired, in the order it fired, with where it is now: "fired <when> · now *OK* since <when>". */
function alarmLines(incident: IncidentRecord): string {
  const entries = firingOrder(incident);
  const lines = entries.slice(0, MAX_ALARM_LINES).map(([name, a]) => {
    const d = incident.alarmDetails?.[name];
    const where = d?.region ? ` in ${escapeText(d.region)}` : '';
    const repeats = a.count > 1 ? ` · ${a.count} notifications` : '';
    const now =
      a.changedAtMs === firedAt(a) && a.state === 'ALARM'
        ? 'now *ALARM*'
        : `now *${a.state}* since ${slackDate(a.changedAtMs)}`;
    return `${STATE_EMOJI[a.state]} \`${escapeText(truncate(name, 120))}\`${where}: fired ${slackDate(firedAt(a))} · ${now}${repeats}`;
  });
  const { total } = alarmCounts(incident);
  const latest = incident.latestAlarm;
  if (latest && !incident.alarms[latest.name])
    lines.push(
      `${STATE_EMOJI[latest.state]} latest: \`${escapeText(truncate(latest.name, 120))}\`: *${latest.state}* since ${slackDate(latest.atMs)}`,
    );
  if (total > Math.min(entries.length, MAX_ALARM_LINES))
    lines.push(`…and ${total - Math.min(entries.length, MAX_ALARM_LINES)} more alarms`);
  return lines.join('\n');
}

/** The alarm that opened the incident: the first to fire. */
function firstAlarm(incident: IncidentRecord): string | undefined {
  return firingOrder(incident)[0]?.[0];
}

export function incidentCard(view: IncidentCardView): Message {
  const { incident } = view;
  const resolved = incident.state === 'resolved';
  const summary = alarmCounts(incident);
  const counts = summary.byState;
  const first = firstAlarm(incident);
  const detail = first ? incident.alarmDetails?.[first] : undefined;
  const detectedBy = incident.detectedBy === 'probe' ? 'a probe' : 'a CloudWatch alarm';

  const headline = resolved
    ? `:white_check_mark: Resolved: ${title(incident)}`
    : `:rotating_light: Incident: ${title(incident)}`;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: BlockId.incidentHeader,
      text: { type: 'plain_text', text: truncate(headline, 150), emoji: true },
    },
  ];
  if (incident.unrouted) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: ":warning: *Unrouted*: no alarm rule in the DR plan matches these alarms. Add a rule under the service's `alarms` to route them.",
        },
      ],
    });
  }
  // Why it fired, never a later change's reason ("Insufficient Data"); records from before `firedReason` fall
  // back to the reason only while the alarm is still in ALARM.
  const firstState = first ? incident.alarms[first]?.state : undefined;
  const why = detail?.firedReason ?? (firstState === 'ALARM' ? detail?.reason : undefined);
  const firstNow =
    firstState && firstState !== 'ALARM' ? `\n*Now:* ${STATE_EMOJI[firstState]} *${firstState}*` : '';
  const what = first
    ? `*What fired:* \`${escapeText(truncate(first, 200))}\`${detail?.region ? ` in ${escapeText(detail.region)}` : ''} (detected by ${detectedBy})${detail?.watching ? `\n*Watching:* ${escapeText(truncate(detail.watching, 400))}` : ''}${why ? `\n*Why it fired:* ${escapeText(truncate(why, 700))}` : ''}${firstNow}`
    : `(detected by ${detectedBy})`;
  const since = resolved
    ? `*Opened* ${slackDate(incident.openedAtMs)} · *resolved* ${slackDate(incident.resolvedAtMs ?? incident.openedAtMs)}`
    : `*Since* ${slackDate(incident.openedAtMs)}`;
  blocks.push({
    type: 'section',
    block_id: BlockId.incidentSummary,
    text: { type: 'mrkdwn', text: truncate(`${what}\n${since}`, 3_000) },
  });
  blocks.push({
    type: 'section',
    block_id: BlockId.incidentAlarms,
    text: { type: 'mrkdwn', text: truncate(alarmLines(incident) || 'No alarm is tracked.', 3_000) },
  });
  blocks.push({
    type: 'context',
    block_id: BlockId.incidentCounters,
    elements: [
      {
        type: 'mrkdwn',
        text: `${summary.total} alarm(s): ${counts.ALARM} in ALARM, ${counts.OK} OK, ${counts.INSUFFICIENT_DATA} insufficient data${summary.untracked > 0 ? ` · ${summary.untracked} notification(s) of further alarms not tracked` : ''} · ${incident.notifications ?? 0} notification(s) · incident \`${escapeText(incident.id)}\``,
      },
    ],
  });
  if (view.outcome && !incident.unrouted)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(view.outcome, 3_000) } });
  if (view.readiness !== undefined && !incident.unrouted) {
    const readiness =
      view.readiness === 'checking'
        ? ':hourglass_flowing_sand: Checking readiness…'
        : view.readiness === 'unavailable'
          ? ':white_circle: Readiness could not be checked; `/dr status` retries.'
          : view.readiness;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Readiness*\n${readiness}`, 3_000) },
    });
  }
  const notes: string[] = [];
  if (view.runbookUrl) notes.push(`:book: <${view.runbookUrl}|Runbook>`);
  if (incident.acknowledgedBy)
    notes.push(
      `:eyes: Acknowledged by <@${escapeText(incident.acknowledgedBy)}> ${slackDate(incident.acknowledgedAtMs ?? incident.openedAtMs)}`,
    );
  if (notes.length > 0)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join('  ·  ') }] });

  if (!resolved) {
    const buttons: Extract<KnownBlock, { type: 'actions' }>['elements'] = [];
    // A service already running in its recovery Region is brought home with /dr failback, not failed over again.
    if (!incident.unrouted && view.offerFailover !== false) {
      buttons.push(
        {
          type: 'button',
          action_id: ActionId.readinessRequestFailover,
          text: { type: 'plain_text', text: 'Request failover' },
          style: 'danger',
          value: incident.service,
        },
        {
          type: 'button',
          action_id: ActionId.readinessDryRun,
          text: { type: 'plain_text', text: 'Dry-run' },
          value: incident.service,
        },
      );
    }
    if (!incident.acknowledgedBy) {
      buttons.push({
        type: 'button',
        action_id: ActionId.incidentAcknowledge,
        text: { type: 'plain_text', text: 'Acknowledge' },
        style: 'primary',
        value: incident.id,
      });
    }
    if (buttons.length > 0)
      blocks.push({ type: 'actions', block_id: BlockId.incidentActions, elements: buttons });
  }

  const text = resolved
    ? `Resolved: ${title(incident)} — every alarm is OK`
    : `Incident: ${title(incident)} — ${counts.ALARM} alarm(s) in ALARM${first ? `, first ${first}` : ''}`;
  return { text: escapeText(truncate(text, 300)), blocks };
}

/** One line in the incident thread for an alarm state change. */
export function transitionLine(t: {
  readonly alarm: string;
  readonly from: AlarmState | undefined;
  readonly to: AlarmState;
  readonly atMs: number;
  readonly reason: string;
}): string {
  const from = t.from ? `${t.from} → ` : '';
  const reason = t.reason ? `: ${escapeText(truncate(t.reason, 300))}` : '';
  return `${STATE_EMOJI[t.to]} \`${escapeText(truncate(t.alarm, 120))}\` ${from}*${t.to}* ${slackDate(t.atMs)}${reason}`;
}

export function resolvedLine(atMs: number): string {
  return `:white_check_mark: Every alarm is OK: incident resolved ${slackDate(atMs)}.`;
}

export function acknowledgedLine(userId: string): string {
  return `:eyes: <@${escapeText(userId)}> acknowledged the incident.`;
}
