import type { IncidentMove } from '../../src/domain/records.js';
import { formatDuration } from '../../src/readiness/format.js';
import type { OperatingState } from '../../src/state/types.js';
import { escapeText } from '../escape.js';
import { slackDate } from '../readiness/format.js';

/** At most this many moves are kept on an incident (a failover and its failback, retried a few times). */
export const MAX_INCIDENT_MOVES = 8;

/** The failover or failback the operating state shows, if it started after the incident opened. */
export function moveOf(op: OperatingState | undefined, openedAtMs: number): IncidentMove | undefined {
  if (!op?.known || !op.state.move) return undefined;
  const { state } = op;
  const move = state.move;
  if (!move || (move.startedAtMs ?? move.reportedAtMs) < openedAtMs) return undefined;
  return {
    executionId: move.executionId,
    kind: move.kind,
    outcome: move.outcome,
    to: move.kind === 'failover' ? state.recoveryRegion : state.primaryRegion,
    service: state.service,
    ...(move.startedAtMs !== undefined ? { startedAtMs: move.startedAtMs } : {}),
    ...(move.finishedAtMs !== undefined ? { finishedAtMs: move.finishedAtMs } : {}),
  };
}

/** The incident's recorded moves with the current one merged in (same execution: the newer report wins). */
export function mergeMoves(
  recorded: readonly IncidentMove[] | undefined,
  current: IncidentMove | undefined,
): readonly IncidentMove[] {
  const list = [...(recorded ?? [])];
  if (current) {
    const at = list.findIndex((m) => m.executionId === current.executionId);
    if (at >= 0) list[at] = current;
    else list.push(current);
  }
  return list.slice(-MAX_INCIDENT_MOVES);
}

export const sameMoves = (a: readonly IncidentMove[] | undefined, b: readonly IncidentMove[]) =>
  JSON.stringify(a ?? []) === JSON.stringify(b);

/**
 * One line per failover or failback since the incident opened (mrkdwn, escaped): "Failed over to us-west-2
 * at 21:04, runbook completed in 4 min 12 s", a move in progress, paused or aborted part-way.
 */
export function moveLine(move: IncidentMove): string {
  const to = escapeText(move.to);
  const verb = move.kind === 'failover' ? 'Failed over' : 'Failed back';
  const noun = move.kind === 'failover' ? 'Failover' : 'Failback';
  const took =
    move.startedAtMs !== undefined && move.finishedAtMs !== undefined
      ? `, runbook completed in ${formatDuration(move.finishedAtMs - move.startedAtMs)}`
      : '';
  switch (move.outcome) {
    case 'completed':
      return `:white_check_mark: *${verb} to ${to}* ${slackDate(move.finishedAtMs ?? move.startedAtMs ?? 0)}${took}`;
    case 'aborted':
      return `:warning: *${noun} to ${to} aborted part-way*${move.finishedAtMs !== undefined ? ` ${slackDate(move.finishedAtMs)}` : ''}: a partial ${move.kind}, see \`/dr status ${escapeText(move.service)}\` for which resources moved`;
    case 'paused':
      return `:double_vertical_bar: *${noun} to ${to} paused* at a failed step, waiting for a decision`;
    default:
      return `:arrows_counterclockwise: *${move.kind === 'failover' ? 'Failing over' : 'Failing back'} to ${to}*${move.startedAtMs !== undefined ? ` since ${slackDate(move.startedAtMs)}` : ''}`;
  }
}

/** What became of the service since the incident opened, one line per move; undefined when nothing moved. */
export function outcomeText(moves: readonly IncidentMove[]): string | undefined {
  if (moves.length === 0) return undefined;
  return `*What was done*\n${moves.map(moveLine).join('\n')}`;
}
