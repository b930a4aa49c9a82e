/** What a probe saw once. */
export interface ProbeOutcome {
  readonly ok: boolean;
  /** We could not tell (e.g. the Route 53 API failed): the streak neither grows nor resets. */
  readonly inconclusive?: boolean;
  /** One line for people: "HTTP 503 from https://…", "2 of 8 checkers healthy", "timed out after 5 s". */
  readonly detail: string;
}

/** An HTTP GET as the probe needs it (the sandbox swaps this for its simulated endpoints). */
export type HttpGet = (
  url: string,
  options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
) => Promise<{ readonly status: number }>;

/** The probe's incident, identified so that repeating an open or resolve is harmless. */
export interface ProbeIncidentRef {
  readonly service: string;
  readonly probeId: string;
  /** The URL or "Route 53 health check <id>". */
  readonly target: string;
  /** `probe:<service>:<probeId>:<firstFailedAtMs>`: the same for every retry of one outage. */
  readonly dedupeKey: string;
}

/**
 * The port into the alarm module's incident threads: a probe opens an incident exactly as an alarm
 * would (same thread, same buttons), labelled as detected by probe.
 */
export interface ProbeIncidents {
  openProbeIncident(
    input: ProbeIncidentRef & {
      readonly failures: number;
      readonly detail: string;
      readonly firstFailedAtMs: number;
      readonly atMs: number;
    },
  ): Promise<{ readonly incidentId?: string } | undefined>;
  resolveProbeIncident(
    input: ProbeIncidentRef & {
      readonly incidentId?: string;
      readonly detail: string;
      readonly atMs: number;
    },
  ): Promise<void>;
}

/** A probe's durable state: the failure streak and whether it has an incident open. */
export interface ProbeState {
  readonly failures: number;
  readonly firstFailedAtMs?: number;
  readonly open: boolean;
  readonly incidentId?: string;
  readonly lastOk: boolean;
  readonly lastDetail: string;
  readonly lastCheckedAtMs: number;
}
