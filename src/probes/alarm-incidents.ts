import type { ProbeIncidents } from './types.js';

/** The alarm module's entry point for probes (`AlarmSystem.openIncidentFromProbe`). */
export interface ProbeSignalSink {
  openIncidentFromProbe(signal: {
    readonly service: string;
    readonly probe: string;
    readonly state: 'ALARM' | 'OK';
    readonly reason: string;
    readonly atMs?: number;
  }): Promise<unknown>;
}

/**
 * Probes open and resolve incidents through the alarm pipeline, exactly as an alarm would: the same
 * incident thread and buttons, labelled as detected by a probe. ALARM opens (or joins) the service's
 * incident; OK clears the probe's alarm in it.
 */
export function probeIncidentsFromAlarms(alarms: ProbeSignalSink): ProbeIncidents {
  return {
    async openProbeIncident(input) {
      await alarms.openIncidentFromProbe({
        service: input.service,
        probe: input.probeId,
        state: 'ALARM',
        reason: `${input.failures} consecutive failures: ${input.detail} (${input.target})`,
        atMs: input.atMs,
      });
      return undefined;
    },
    async resolveProbeIncident(input) {
      await alarms.openIncidentFromProbe({
        service: input.service,
        probe: input.probeId,
        state: 'OK',
        reason: `succeeds again: ${input.detail}`,
        atMs: input.atMs,
      });
    },
  };
}
