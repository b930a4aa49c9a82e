import { type OperatingState, runsInRecovery } from './types.js';

/**
 * Why a failover of the service must be refused now, or undefined when it may be requested: a service that
 * already runs in its recovery Region (or is failing back) is brought home with `/dr failback`, never failed
 * over a second time. An unknown state does not refuse: the person asking names the direction, and the card
 * says the state is unknown.
 */
export function failoverRefusal(service: string, operating: OperatingState): string | undefined {
  if (!operating.known || !runsInRecovery(operating.state.phase)) return undefined;
  const { state } = operating;
  const since = new Date(state.sinceMs).toISOString().slice(0, 16).replace('T', ' ');
  const moving =
    state.phase === 'failing-back'
      ? `is failing back to ${state.primaryRegion}`
      : `already runs in its recovery Region ${state.recoveryRegion}`;
  return `${service} ${moving} (since ${since} UTC), so a failover is refused: there is nowhere further to fail over to. To bring it home, use \`/dr failback ${service}\`.`;
}
