import type { Clock } from '../domain/clock.js';
import { createWriteBudget, entryWriteUnits, type WriteBudget, type WriteBudgetOptions } from './budget.js';
import { buildCheckpoint, type ChainTip, DAY_MS, dayOf, dayStart, nextEntry, shardOf } from './chain.js';
import { AuditError } from './errors.js';
import { mergeSorted } from './merge.js';
import type { AuditStore } from './store.js';
import type {
  ArchiveEvidence,
  AuditCheckpoint,
  AuditEntry,
  AuditLog,
  ChainHead,
  VerifyReport,
} from './types.js';
import { createVerifier } from './verify.js';

export interface AuditLogOptions {
  /** This replica's stable id (e.g. host and process id); picks its shard and is recorded per entry. */
  readonly writerId: string;
  readonly clock: Clock;
  /** Chains per day (default 4). May change between deployments: chains are found through their marks. */
  readonly shards?: number;
  /** How long after midnight UTC a day may be sealed (default 5 minutes): covers in-flight appends and clock skew. */
  readonly checkpointGraceMs?: number;
  /** Append attempts before giving up under contention (default 25). */
  readonly maxAttempts?: number;
  /** Told each append's outcome (metrics: audit appends and failures). */
  readonly onAppend?: (outcome: 'ok' | 'failed') => void;
  /** Chains this writer appends to in parallel when appends overlap (default 8; docs/audit.md). */
  readonly lanes?: number;
  /** Each chain's write-unit budget (default 400 a second, real time). */
  readonly writeBudget?: WriteBudgetOptions;
}

/** One of a writer's chains: appends on it go one at a time, so it never contends with itself. */
interface Lane {
  /** Offset from the writer's first shard: lane i writes shard `first + shards * i` (same shard mod N). */
  readonly index: number;
  tip: { day: string; tip: ChainTip | undefined } | undefined;
  busy: boolean;
  readonly budget: WriteBudget;
}

const byTime = (a: AuditEntry, b: AuditEntry) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.shard !== b.shard ? a.shard - b.shard : a.seq - b.seq;

/** The audit log over an AuditStore: hash chains per (UTC day, shard), conflict retry, daily checkpoints. */
export function createAuditLog(store: AuditStore, options: AuditLogOptions): AuditLog {
  const { writerId, clock } = options;
  const shards = options.shards ?? 4;
  const shard = shardOf(writerId, shards);
  const grace = options.checkpointGraceMs ?? 5 * 60_000;
  const maxAttempts = options.maxAttempts ?? 25;
  const maxLanes = Math.max(1, options.lanes ?? 8);
  const lanes: Lane[] = [];
  const waiting: ((lane: Lane) => void)[] = [];

  /**
   * An append takes the first idle lane (lane 0 while appends do not overlap, so a quiet writer keeps one
   * chain), opens another while fewer than `lanes` exist, else waits its turn. A serial chain does at most
   * 1/RTT appends a second: during a storm a decision's audit waited 45 s behind `/dr help` (issue 19).
   */
  const withLane = <T>(task: (lane: Lane) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      // The lane is handed on before the caller resumes: a caller that awaits and appends again finds it idle.
      const handOn = (lane: Lane) => {
        const next = waiting.shift();
        if (next) next(lane);
        else lane.busy = false;
      };
      const run = (lane: Lane) => {
        lane.busy = true;
        task(lane).then(
          (value) => {
            handOn(lane);
            resolve(value);
          },
          (error: unknown) => {
            handOn(lane);
            reject(error);
          },
        );
      };
      let lane = lanes.find((l) => !l.busy);
      if (!lane && lanes.length < maxLanes) {
        lane = {
          index: lanes.length,
          tip: undefined,
          busy: false,
          budget: createWriteBudget(options.writeBudget),
        };
        lanes.push(lane);
      }
      if (lane) run(lane);
      else waiting.push(run);
    });

  async function appendNow(lane: Lane, event: Parameters<AuditLog['append']>[0]): Promise<AuditEntry> {
    const now = clock.now();
    const day = dayOf(now);
    const laneShard = shard + shards * lane.index;
    if (lane.tip?.day !== day) {
      await store.markChain(day, laneShard);
      lane.tip = { day, tip: await store.head(day, laneShard) };
    }
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const entry = nextEntry(lane.tip.tip, event, { day, shard: laneShard, now, writer: writerId });
      // Never fewer units than DynamoDB counts for the item (test/audit/write-units.test.ts).
      await lane.budget.take(entryWriteUnits(entry));
      const written =
        (await store.putEntry(entry)) || (await store.hashAt(day, laneShard, entry.seq)) === entry.hash;
      if (written) {
        lane.tip = { day, tip: { seq: entry.seq, hash: entry.hash, at: entry.at } };
        return entry;
      }
      // Another replica took this sequence number: continue from the chain's real head.
      lane.tip = { day, tip: await store.head(day, laneShard) };
    }
    throw new AuditError(
      'append_contention',
      `could not append to chain ${day}/${laneShard} after ${maxAttempts} attempts`,
    );
  }

  async function chainsOf(fromDay: string | undefined, toDay: string | undefined) {
    const checkpoints = new Map<string, AuditCheckpoint>();
    const broken: { day: string; problem: string }[] = [];
    for await (const stored of store.readCheckpoints(fromDay, toDay)) {
      if ('checkpoint' in stored) checkpoints.set(stored.day, stored.checkpoint);
      else broken.push(stored);
    }
    const byDay = new Map<string, Set<number>>();
    const add = (day: string, s: number) => {
      const set = byDay.get(day) ?? new Set<number>();
      byDay.set(day, set.add(s));
    };
    for (const c of await store.listChains(fromDay, toDay)) add(c.day, c.shard);
    for (const cp of checkpoints.values()) for (const head of cp.chains) add(cp.day, head.shard);
    for (const b of broken) byDay.set(b.day, byDay.get(b.day) ?? new Set());
    return { checkpoints, broken, byDay };
  }

  async function verifyDays(
    fromDay: string | undefined,
    toDay: string | undefined,
    archive?: ArchiveEvidence,
  ): Promise<{ report: VerifyReport; heads: Map<string, ChainHead[]> }> {
    const { checkpoints, broken, byDay } = await chainsOf(fromDay, toDay);
    // Chains the archive knows of are read too: a day or chain removed from the table must show.
    const add = (day: string, s: number) => byDay.set(day, (byDay.get(day) ?? new Set<number>()).add(s));
    for (const cp of archive?.checkpoints.values() ?? [])
      for (const head of cp.chains) add(cp.day, head.shard);
    for (const anchor of archive?.anchors ?? [])
      for (const head of anchor.chains) add(anchor.day, head.shard);
    const days = [...byDay.keys()].sort();
    const first = days[0];
    const previousCheckpoint = first === undefined ? undefined : await store.checkpointBefore(first);
    const verifier = createVerifier({
      ...(previousCheckpoint ? { previousCheckpoint } : {}),
      ...(archive ? { archiveCompared: true } : {}),
    });
    for (const anchor of archive?.anchors ?? []) verifier.addAnchor(anchor);
    for (const cp of archive?.checkpoints.values() ?? []) verifier.addArchivedCheckpoint(cp);
    for (const p of archive?.problems ?? []) verifier.addMalformed({ day: p.day }, p.message);
    const heads = new Map<string, ChainHead[]>();
    for (const day of days) {
      const shards = [...(byDay.get(day) ?? [])].sort((a, b) => a - b);
      // The chains of a day are read concurrently: the verifier keeps per-chain state, so interleaving is fine.
      const dayHeads = await Promise.all(
        shards.map(async (s): Promise<ChainHead | undefined> => {
          verifier.noteChain(day, s);
          let last: AuditEntry | undefined;
          for await (const item of store.readChain(day, s)) {
            if ('entry' in item) {
              verifier.addEntry(item.entry, item.at);
              last = item.entry;
            } else verifier.addMalformed(item.at, item.problem);
          }
          return last ? { shard: s, seq: last.seq, hash: last.hash } : undefined;
        }),
      );
      heads.set(
        day,
        dayHeads.filter((h): h is ChainHead => h !== undefined),
      );
      const checkpoint = checkpoints.get(day);
      if (checkpoint) verifier.addCheckpoint(checkpoint);
      for (const b of broken) if (b.day === day) verifier.addMalformed({ day }, b.problem);
    }
    return { report: verifier.finish(), heads };
  }

  return {
    append: (event) => {
      const appended = withLane((lane) => appendNow(lane, event));
      if (options.onAppend) {
        const told = options.onAppend;
        appended.then(
          () => told('ok'),
          () => told('failed'),
        );
      }
      return appended;
    },

    async *query(filter = {}) {
      if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) return;
      const since = filter.since === undefined ? undefined : new Date(filter.since).toISOString();
      const until = filter.until === undefined ? undefined : new Date(filter.until).toISOString();
      const chains = await store.listChains(
        filter.since === undefined ? undefined : dayOf(filter.since),
        filter.until === undefined ? undefined : dayOf(filter.until - 1),
      );
      const days = [...new Set(chains.map((c) => c.day))];
      for (const day of days) {
        const sources = chains
          .filter((c) => c.day === day)
          .map((c) => mapEntries(store.readChain(day, c.shard, { since, until, service: filter.service })));
        yield* mergeSorted(sources, byTime);
      }
    },

    async verify(range = {}) {
      const fromDay = range.since === undefined ? undefined : dayOf(range.since);
      const toDay = range.until === undefined ? undefined : dayOf(range.until - 1);
      if (fromDay !== undefined && toDay !== undefined && fromDay > toDay) return createVerifier().finish();
      const evidence = range.archive ? await range.archive.evidence(fromDay, toDay) : undefined;
      return (await verifyDays(fromDay, toDay, evidence)).report;
    },

    async heads(day) {
      const chains = await store.listChains(day, day);
      const heads = await Promise.all(
        chains.map(async (c) => {
          const tip = await store.head(c.day, c.shard);
          return tip ? { shard: c.shard, seq: tip.seq, hash: tip.hash } : undefined;
        }),
      );
      return heads.filter((h): h is ChainHead => h !== undefined).sort((a, b) => a.shard - b.shard);
    },

    async checkpoint(day) {
      const existing = await store.checkpointBefore(nextDay(day));
      if (existing?.day === day) return existing;
      if (clock.now() < dayStart(day) + DAY_MS + grace) {
        throw new AuditError(
          'day_open',
          `day ${day} cannot be sealed before ${new Date(dayStart(day) + DAY_MS + grace).toISOString()}`,
        );
      }
      const latest = await store.checkpointBefore();
      if (latest && latest.day > day) {
        throw new AuditError(
          'checkpoint_order',
          `day ${day} is older than the newest checkpoint (${latest.day}); checkpoints are written in day order`,
        );
      }
      const { report, heads } = await verifyDays(day, day);
      if (!report.ok)
        throw new AuditError(
          'chain_broken',
          `day ${day} fails verification: ${report.firstBreak?.message}`,
          report,
        );
      const checkpoint = buildCheckpoint(day, heads.get(day) ?? [], latest, {
        now: clock.now(),
        writer: writerId,
      });
      if (!(await store.putCheckpoint(checkpoint))) {
        const raced = await store.checkpointBefore(nextDay(day));
        if (raced?.day === day) return raced;
      }
      await withLane((lane) =>
        appendNow(lane, {
          type: 'audit.checkpointed',
          actor: 'lifeboat',
          details: { day, hash: checkpoint.hash, entries: checkpoint.entries },
        }),
      );
      return checkpoint;
    },

    async *readDay(day) {
      const { checkpoints, byDay } = await chainsOf(day, day);
      for (const s of [...(byDay.get(day) ?? [])].sort((a, b) => a - b)) {
        for await (const item of store.readChain(day, s)) if ('entry' in item) yield item.entry;
      }
      const checkpoint = checkpoints.get(day);
      if (checkpoint) yield checkpoint;
    },
  };
}

const nextDay = (day: string) => dayOf(dayStart(day) + DAY_MS);

async function* mapEntries(
  items: AsyncIterable<{ entry: AuditEntry } | { problem: string }>,
): AsyncGenerator<AuditEntry> {
  for await (const item of items) if ('entry' in item) yield item.entry;
}
