import type { Plan } from '../plan/load.js';
import type { IngestInput } from './pipeline-types.js';

/** A synthetic signal from an outside-in probe: opens (ALARM) or clears (OK) an incident exactly as an alarm would. */
export interface ProbeSignal {
  readonly service: string;
  readonly probe: string;
  readonly state: 'ALARM' | 'OK';
  readonly reason: string;
  readonly atMs?: number;
}

/** A probe's signal as pipeline input: labelled "detected by a probe", routed to its service directly. */
export function probeIngestInput(plan: Plan, signal: ProbeSignal, nowMs: number): IngestInput {
  const service = Object.hasOwn(plan.services, signal.service) ? plan.services[signal.service] : undefined;
  if (!service) throw new Error(`unknown service "${signal.service}"`);
  const atMs = signal.atMs ?? nowMs;
  return {
    id: `probe:${signal.service}:${signal.probe}:${signal.state}:${atMs}`,
    source: 'probe',
    message: '',
    event: {
      name: `probe:${signal.probe}`,
      kind: 'probe',
      state: signal.state,
      reason: signal.reason,
      changedAtMs: atMs,
      watching: `outside-in probe ${signal.probe}`,
      region: service.primaryRegion,
    },
    route: { kind: 'service', service: signal.service, channel: service.channel, autoRequestFailover: false },
  };
}
