import { splitResources } from '../../src/state/transitions.js';
import type { MoveInfo, OperatingState, ServiceStateRecord } from '../../src/state/types.js';
import { escapeText, truncate } from '../escape.js';
import { slackDate, utcText } from './format.js';

/** Where a service runs now, as mrkdwn (escaped): one line, then drift and a partial move's resources. */

const person = (id: string) => (id === 'lifeboat' ? 'Lifeboat (from an alarm)' : `<@${escapeText(id)}>`);

function how(move: MoveInfo | undefined): string {
  if (!move) return '';
  const approved =
    move.approvedBy.length > 0 ? `, approved by ${move.approvedBy.map(person).join(' and ')}` : '';
  return ` — ${move.mode} ${move.kind} requested by ${person(move.requestedBy)}${approved}`;
}

function moveList(s: ServiceStateRecord): string | undefined {
  const split = splitResources(s);
  const parts: string[] = [];
  if (split.recovery.length > 0) parts.push(`in ${s.recoveryRegion}: ${split.recovery.join(', ')}`);
  if (split.primary.length > 0) parts.push(`in ${s.primaryRegion}: ${split.primary.join(', ')}`);
  if (split.between.length > 0) parts.push(`unconfirmed (check in AWS): ${split.between.join(', ')}`);
  return parts.length > 0 ? escapeText(truncate(parts.join(' · '), 900)) : undefined;
}

/** The headline: "Running in us-west-2 since … — unplanned failover requested by @alice, approved by @bob — not protected…". */
export function operatingLine(op: OperatingState): string {
  if (!op.known)
    return `:white_circle: *State unknown*: ${escapeText(truncate(op.reason, 600))}. Lifeboat does not guess which Region serves; check AWS before acting.`;
  const s = op.state;
  const since = slackDate(s.sinceMs);
  const primary = escapeText(s.primaryRegion);
  const recovery = escapeText(s.recoveryRegion);
  switch (s.phase) {
    case 'normal-in-primary':
      return `:house: *Running in ${primary}* (primary) since ${since}${s.move?.kind === 'failback' ? how(s.move) : ''}`;
    case 'running-in-recovery-unprotected':
    case 'running-in-recovery-protected': {
      const prot =
        s.phase === 'running-in-recovery-protected'
          ? `protected: replication back to ${primary} caught up, failback possible (\`/dr failback ${escapeText(s.service)}\`)`
          : `not protected: ${escapeText(truncate(s.protection?.text ?? `no replication back to ${s.primaryRegion} yet`, 400))}`;
      return `:rotating_light: *Running in ${recovery}* since ${since}${how(s.move)} — ${prot}`;
    }
    case 'failing-over':
    case 'failing-back': {
      const to = s.phase === 'failing-over' ? recovery : primary;
      const verb = s.phase === 'failing-over' ? 'Failing over' : 'Failing back';
      const outcome =
        s.move?.outcome === 'aborted'
          ? ` — *aborted part-way*: a partial ${s.phase === 'failing-over' ? 'failover' : 'failback'}; finish it or move the rest back by hand`
          : s.move?.outcome === 'paused'
            ? ' — paused at a failed step, waiting for a decision'
            : '';
      return `:arrows_counterclockwise: *${verb} to ${to}* since ${since}${how(s.move)}${outcome}`;
    }
  }
}

/** The headline plus drift and, while split, which resources are where. */
export function operatingText(op: OperatingState): string {
  const lines = [operatingLine(op)];
  if (op.known) {
    if (op.state.phase === 'failing-over' || op.state.phase === 'failing-back') {
      const where = moveList(op.state);
      if (where) lines.push(`Resources: ${where}`);
    }
    if (op.state.drift)
      lines.push(`:warning: *Drift* (recorded vs AWS): ${escapeText(truncate(op.state.drift.text, 900))}`);
  }
  return lines.join('\n');
}

/** Whether a card may offer "Request failover": never for a service that runs in its recovery Region. */
export function offersFailover(op: OperatingState | undefined): boolean {
  if (!op?.known) return true;
  return op.state.phase === 'normal-in-primary' || op.state.phase === 'failing-over';
}

/** One plain-text sentence for fallback text (no mrkdwn). */
export function plainOperating(op: OperatingState): string {
  if (!op.known) return `State unknown: ${op.reason}`;
  const s = op.state;
  const at = utcText(s.sinceMs);
  const region = s.phase === 'normal-in-primary' ? s.primaryRegion : s.recoveryRegion;
  const what: Record<ServiceStateRecord['phase'], string> = {
    'normal-in-primary': `Running in ${region}`,
    'running-in-recovery-unprotected': `Running in ${region}, not protected`,
    'running-in-recovery-protected': `Running in ${region}, protected`,
    'failing-over': `Failing over to ${s.recoveryRegion}`,
    'failing-back': `Failing back to ${s.primaryRegion}`,
  };
  return `${what[s.phase]} since ${at}`;
}
