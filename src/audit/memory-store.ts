import type { AuditStore, StoredCheckpoint, StoredItem } from './store.js';
import type { AuditCheckpoint, AuditEntry } from './types.js';

/** An in-memory AuditStore with the same semantics as the DynamoDB one: for tests and tools. */
export function createMemoryAuditStore(): AuditStore {
  const chains = new Map<string, Map<number, AuditEntry>>();
  const marks = new Set<string>();
  const checkpoints = new Map<string, AuditCheckpoint>();
  const key = (day: string, shard: number) => `${day}#${shard}`;
  const inRange = (day: string, from?: string, to?: string) =>
    (from === undefined || day >= from) && (to === undefined || day <= to);

  return {
    async putEntry(entry) {
      const chain = chains.get(key(entry.day, entry.shard)) ?? new Map<number, AuditEntry>();
      chains.set(key(entry.day, entry.shard), chain);
      if (chain.has(entry.seq)) return false;
      chain.set(entry.seq, entry);
      return true;
    },
    async hashAt(day, shard, seq) {
      return chains.get(key(day, shard))?.get(seq)?.hash;
    },
    async head(day, shard) {
      const chain = chains.get(key(day, shard));
      if (!chain || chain.size === 0) return undefined;
      const last = chain.get(Math.max(...chain.keys())) as AuditEntry;
      return { seq: last.seq, hash: last.hash, at: last.at };
    },
    async *readChain(day, shard, filter = {}) {
      const chain = chains.get(key(day, shard)) ?? new Map<number, AuditEntry>();
      for (const seq of [...chain.keys()].sort((a, b) => a - b)) {
        const entry = chain.get(seq) as AuditEntry;
        if (filter.since !== undefined && entry.at < filter.since) continue;
        if (filter.until !== undefined && entry.at >= filter.until) continue;
        if (filter.service !== undefined && entry.service !== filter.service) continue;
        yield { at: { day, shard, seq }, entry } satisfies StoredItem;
      }
    },
    async markChain(day, shard) {
      marks.add(key(day, shard));
    },
    async listChains(fromDay, toDay) {
      return [...marks]
        .map((m) => {
          const [day = '', shard = '0'] = m.split('#');
          return { day, shard: Number(shard) };
        })
        .filter((c) => inRange(c.day, fromDay, toDay))
        .sort((a, b) => (a.day === b.day ? a.shard - b.shard : a.day < b.day ? -1 : 1));
    },
    async putCheckpoint(checkpoint) {
      if (checkpoints.has(checkpoint.day)) return false;
      checkpoints.set(checkpoint.day, checkpoint);
      return true;
    },
    async *readCheckpoints(fromDay, toDay) {
      for (const day of [...checkpoints.keys()].sort()) {
        if (inRange(day, fromDay, toDay))
          yield { day, checkpoint: checkpoints.get(day) as AuditCheckpoint } satisfies StoredCheckpoint;
      }
    },
    async checkpointBefore(day) {
      const days = [...checkpoints.keys()].filter((d) => day === undefined || d < day).sort();
      const last = days.at(-1);
      return last === undefined ? undefined : checkpoints.get(last);
    },
  };
}
