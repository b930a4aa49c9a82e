import type { RegionClients } from '../../adapters/aws/clients.js';
import type { ResolvedBackups } from '../../plan/backups.js';
import type { Resource, Service } from '../../plan/schema.js';
import type { DrillSettings, DrillStepRecord } from '../types.js';

export interface StepContext {
  readonly drillId: string;
  readonly service: Service & { readonly name: string };
  readonly resource: Resource;
  readonly step: DrillStepRecord;
  /** Clients of the recovery Region: a drill never calls the primary Region. */
  readonly clients: RegionClients;
  readonly settings: DrillSettings;
  /** The service's AWS Backup settings (vault, restore role), when it has a `backups` section. */
  readonly backups?: ResolvedBackups;
  readonly now: () => number;
  /** Budget of one AWS call. */
  readonly signal: () => AbortSignal;
}

/** Where a step stands after one `advance`. */
export interface Progress {
  readonly state: 'working' | 'ready' | 'failed';
  readonly detail?: string;
  /** The source chosen (snapshot ARN, AMI id): recorded before the creating call that uses it. */
  readonly source?: string;
  /** When the newest data in the recovered copy was written. */
  readonly dataAtMs?: number;
  /** The newest data read is the readiness canary's heartbeat (written on a cadence), not application data. */
  readonly heartbeat?: boolean;
  /** Identifiers AWS assigned (EC2 instance ids). */
  readonly created?: readonly string[];
  readonly error?: string;
}

/**
 * One executor per drill step kind. `advance` and `cleanup` are idempotent: they look first (by the names the
 * step recorded before any call) and only create or delete what is missing or still there, so a driver that
 * restarts after a crash simply calls them again.
 */
export interface DrillStepExecutor {
  describe(ctx: StepContext): string;
  advance(ctx: StepContext): Promise<Progress>;
  /** Issues the deletes still needed; `gone` once nothing the step created exists any more. */
  cleanup(ctx: StepContext): Promise<{ readonly gone: boolean; readonly detail?: string }>;
}

export const tags = (drillId: string, name: string) => [
  { Key: 'Name', Value: name },
  { Key: 'lifeboat:drill', Value: drillId },
];

/** The AWS error name, for narrowing (NotFound faults, AlreadyExists faults). */
export const errorName = (error: unknown) =>
  error instanceof Error ? error.name : typeof error === 'string' ? error : 'Error';

export const isNotFound = (error: unknown) => /NotFound|NoSuch/.test(errorName(error));
export const isAlreadyExists = (error: unknown) => /AlreadyExists/.test(errorName(error));
