/**
 * What AWS shows about where a service runs, facet by facet, to compare with the recorded operating state
 * (docs/state.md, "Recorded versus observed"). Pure: the readiness checkers and `observe.ts` produce these
 * from calls they make anyway; `driftOf` (recorder.ts) compares them with the record.
 */

/** One thing AWS shows about where the service runs. */
export type Observed =
  | {
      /** writer: where the database is written; dns: which Region DNS answers with (what Route 53 routes). */
      readonly facet: 'writer' | 'dns';
      readonly side: 'primary' | 'recovery';
      /** One plain sentence naming the resource and what was read. */
      readonly text: string;
      /**
       * Also what a completed failback leaves behind (an RDS replica promoted in the recovery Region stays
       * standalone until it is rebuilt): not drift when the last move on record is a failback.
       */
      readonly weak?: boolean;
    }
  | {
      /** compute: how many of the resource's instances run on `side` (the side the record says). */
      readonly facet: 'compute';
      readonly side: 'primary' | 'recovery';
      readonly resourceId: string;
      readonly running: number;
      readonly text: string;
    };

/**
 * Which Region DNS answers with, from Route 53's own decision about the PRIMARY record's health check (the
 * HealthCheckStatus metric): healthy answers PRIMARY, unhealthy answers SECONDARY. A status that changed
 * within the newest minute, or no datapoint, says nothing.
 */
export function dnsFromHealth(
  resourceId: string,
  healthCheckId: string,
  healthy: boolean | 'changing' | undefined,
): Observed | undefined {
  if (healthy === undefined || healthy === 'changing') return undefined;
  return {
    facet: 'dns',
    side: healthy ? 'primary' : 'recovery',
    text: `${resourceId}: Route 53 reports the PRIMARY record's health check ${healthCheckId} ${healthy ? 'healthy: DNS answers with the PRIMARY record' : 'unhealthy: DNS answers with the SECONDARY record'}`,
  };
}

/**
 * Which Region DNS answers with when the runbook moves traffic by pointing the PRIMARY record at the
 * SECONDARY's values (update-record): the PRIMARY answering the SECONDARY's values routes to the recovery
 * Region. `primary`/`secondary` are comparable renderings of what each record answers (empty when missing).
 */
export function dnsFromRecords(resourceId: string, primary: string, secondary: string): Observed | undefined {
  if (!primary || !secondary) return undefined;
  return primary === secondary
    ? {
        facet: 'dns',
        side: 'recovery',
        text: `${resourceId}: the PRIMARY record answers the SECONDARY's values (${secondary})`,
      }
    : {
        facet: 'dns',
        side: 'primary',
        text: `${resourceId}: the PRIMARY record answers its own values (${primary})`,
      };
}

/** Which Region the ARC routing controls send traffic to: exactly one On decides; anything else says nothing. */
export function dnsFromRoutingControls(
  resourceId: string,
  states: { readonly primary?: string; readonly recovery?: string },
): Observed | undefined {
  if (states.primary === 'On' && states.recovery === 'Off')
    return { facet: 'dns', side: 'primary', text: `${resourceId}: primary routing control On, recovery Off` };
  if (states.primary === 'Off' && states.recovery === 'On')
    return {
      facet: 'dns',
      side: 'recovery',
      text: `${resourceId}: primary routing control Off, recovery On`,
    };
  return undefined;
}
