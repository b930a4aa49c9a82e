import { shardOf } from './chain.js';

/**
 * A second writer id for the same process, on a different chain (shard) than `writerId`: a process
 * that keeps busy entries (e.g. alarms under a storm) apart from entries someone waits for (a
 * command is audited before it is answered) gives each its own `createAuditLog`, so each has its own
 * chains (lanes) and neither contends with the other for a chain's next sequence number.
 * With one shard there is no other chain, and the two writers share it (appends still retry).
 */
export function companionWriterId(writerId: string, role: string, shards = 4): string {
  const own = shardOf(writerId, shards);
  const base = `${writerId}/${role}`;
  for (let i = 0; i < 64 && shards > 1; i++) {
    const id = i === 0 ? base : `${base}-${i}`;
    if (shardOf(id, shards) !== own) return id;
  }
  return base;
}
