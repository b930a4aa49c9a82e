import { formatDuration } from '../../src/readiness/format.js';
import type { OperatingState } from '../../src/state/types.js';
import { escapeText } from '../escape.js';
import { slackDate } from '../readiness/format.js';

/**
 * What became of the service since the incident opened (mrkdwn, escaped): "Failed over to us-west-2 at 21:04,
 * runbook completed in 4 min 12 s", a failover in progress, or a partial one. Undefined when nothing moved.
 */
export function outcomeLine(op: OperatingState, openedAtMs: number): string | undefined {
  if (!op.known || !op.state.move) return undefined;
  const { state } = op;
  const move = state.move;
  if (!move || (move.startedAtMs ?? move.reportedAtMs) < openedAtMs) return undefined;
  const to = escapeText(move.kind === 'failover' ? state.recoveryRegion : state.primaryRegion);
  const verb = move.kind === 'failover' ? 'Failed over' : 'Failed back';
  const took =
    move.startedAtMs !== undefined && move.finishedAtMs !== undefined
      ? `, runbook completed in ${formatDuration(move.finishedAtMs - move.startedAtMs)}`
      : '';
  switch (move.outcome) {
    case 'completed':
      return `:white_check_mark: *${verb} to ${to}* at ${slackDate(move.finishedAtMs ?? state.sinceMs)}${took}`;
    case 'aborted':
      return `:warning: *${move.kind === 'failover' ? 'Failover' : 'Failback'} to ${to} aborted part-way*: a partial ${move.kind}, see \`/dr status ${escapeText(state.service)}\` for which resources moved`;
    case 'paused':
      return `:pause_button: *${move.kind === 'failover' ? 'Failover' : 'Failback'} to ${to} paused* at a failed step, waiting for a decision`;
    default:
      return `:arrows_counterclockwise: *${move.kind === 'failover' ? 'Failing over' : 'Failing back'} to ${to}* since ${slackDate(move.startedAtMs ?? state.sinceMs)}`;
  }
}
