import type { KnownBlock } from '@slack/types';
import type { JsonObject } from '../audit/types.js';

/** Posts a message to a channel (the Slack outbound queue, or chat.postMessage). */
export type Poster = (message: {
  readonly channel: string;
  readonly text: string;
  readonly blocks: KnownBlock[];
}) => Promise<void>;

/** What a job's run receives. */
export interface JobContext {
  /** The scheduled instant this run is for (epoch ms). */
  readonly slot: number;
  /** True when the slot was missed (every replica down) and runs late, once, after start-up. */
  readonly late: boolean;
  /** Aborted when the run exceeds the job's timeout. */
  readonly signal: AbortSignal;
}

/** One scheduled job. Its slots run exactly once across replicas. */
export interface JobDefinition {
  /** Stable name: part of every slot's key, shown in `/dr status`. Letters, digits, dots and dashes. */
  readonly name: string;
  /** What it does, for people ("readiness check every 5 min"). */
  readonly description: string;
  /** node-cron expression, six fields with seconds. */
  readonly cron: string;
  /** IANA zone the expression is matched in. Always explicit. */
  readonly timezone: string;
  /** A run longer than this is aborted; also the lease that keeps other replicas off the slot. */
  readonly timeoutMs: number;
  /**
   * Daily jobs: the latest slot at or before `now`. When that slot never ran (downtime), it runs once
   * at start-up with `late: true`. Interval jobs leave it out: the next slot comes soon anyway.
   */
  readonly previousSlot?: (now: number) => number;
  /**
   * Daily jobs: the next slot after `now`. A local time that does not exist that day (skipped by the
   * spring DST jump) is never matched by node-cron; the scheduler runs that day's slot itself at this
   * instant instead (see time.ts `zonedInstant`: 02:30 becomes 03:30).
   */
  readonly nextSlot?: (now: number) => number;
  /** The work. Returns a small summary that is stored with the slot; throws to mark it failed. */
  run(ctx: JobContext): Promise<JsonObject | undefined>;
}

export type SlotState = 'running' | 'done' | 'failed';

/** One slot of one job as stored: who ran it, when, how it ended. */
export interface SlotRecord {
  readonly job: string;
  /** ISO 8601 instant of the slot (the same text node-cron puts in its coordination key). */
  readonly slot: string;
  readonly owner: string;
  readonly state: SlotState;
  readonly late: boolean;
  readonly startedAtMs: number;
  /** The running owner's claim lapses here; a claim that lapsed without finishing may be taken over. */
  readonly leaseExpiresAtMs: number;
  readonly finishedAtMs?: number;
  readonly error?: string;
  readonly summary?: JsonObject;
}

/** Slots of scheduled jobs, claimed by conditional write (see slots.ts). */
export interface SlotStore {
  /**
   * Claims a slot for `owner`: succeeds when nobody claimed it, or when the claim lapsed before the
   * run finished. False when another replica runs it or it already ran.
   */
  claim(job: string, slot: string, owner: string, ttlMs: number, late: boolean): Promise<boolean>;
  /** Records the outcome, only if `owner` still holds the claim. */
  finish(
    job: string,
    slot: string,
    owner: string,
    outcome: { readonly state: 'done' | 'failed'; readonly error?: string; readonly summary?: JsonObject },
  ): Promise<boolean>;
  get(job: string, slot: string): Promise<SlotRecord | undefined>;
  /** The newest slot of the job that was claimed, whatever its state. */
  latest(job: string): Promise<SlotRecord | undefined>;
}

/** The part of the LeaseStore the scheduler uses (one lease per job: no overlapping runs). */
export interface JobLeases {
  acquire(name: string, owner: string, ttlMs: number): Promise<unknown>;
  release(name: string, owner: string): Promise<boolean>;
}

/** A small durable record with a version, changed by conditional write (readiness watch, probes, digest). */
export interface StateStore<T extends object> {
  get(id: string): Promise<(T & { readonly version: number }) | undefined>;
  /** Writes version `expected + 1` (or creates version 1 when `expected` is 0); false if someone else wrote first. */
  put(id: string, expected: number, value: T): Promise<boolean>;
}

/** When a job last ran and when it runs next, for `/dr status`. */
export interface JobStatus {
  readonly name: string;
  readonly description: string;
  readonly timezone: string;
  readonly nextRunAt?: number;
  readonly lastRun?: {
    readonly slotAt: number;
    readonly state: SlotState;
    readonly late: boolean;
    readonly startedAtMs: number;
    readonly finishedAtMs?: number;
    readonly error?: string;
  };
}
