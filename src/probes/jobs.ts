import { formatDuration } from '../readiness/format.js';
import { intervalCron } from '../scheduler/cron.js';
import type { JobDefinition } from '../scheduler/types.js';
import { type ProbeDeps, runProbe } from './runner.js';

export const PROBE_JOB_PREFIX = 'probe.';

/** One scheduled job per probe in the plan, every probe's interval, in UTC. */
export function probeJobs(deps: ProbeDeps): JobDefinition[] {
  const plan = deps.getPlan();
  return Object.entries(plan.services).flatMap(([service, svc]) =>
    svc.probes.map(
      (probe): JobDefinition => ({
        name: `${PROBE_JOB_PREFIX}${service}.${probe.id}`,
        description: `probe ${service}/${probe.id} every ${formatDuration(probe.interval)}; ${probe.failures} failures open an incident`,
        cron: intervalCron(probe.interval),
        timezone: 'UTC',
        timeoutMs: Math.max(probe.interval, probe.timeout + 5_000),
        run: ({ signal }) => runProbe(deps, service, probe, signal),
      }),
    ),
  );
}
