import { checkpointHash, entryHash, GENESIS_HASH } from './canonical.js';
import { chainName, entryId } from './chain.js';
import type {
  AuditAnchor,
  AuditCheckpoint,
  AuditEntry,
  BreakKind,
  BrokenLink,
  VerifyReport,
} from './types.js';

/** Where an item was stored (its key), when known: lets the verifier spot entries moved between keys. */
export interface StoredAt {
  readonly day: string;
  readonly shard: number;
  readonly seq: number;
}

interface ChainState {
  seq: number;
  hash: string;
}

interface Problem extends BrokenLink {
  readonly order: readonly [string, number, number];
}

export interface ChainVerifier {
  /** A chain known to exist (e.g. from its marker) even if it turns out to have no entries. */
  noteChain(day: string, shard: number): void;
  /** The next entry of its chain, in sequence order (chains may interleave). */
  addEntry(entry: AuditEntry, storedAt?: StoredAt): void;
  /** An item that could not be read as an entry or checkpoint. */
  addMalformed(where: StoredAt | { readonly day: string }, message: string): void;
  /** The next checkpoint, in day order. */
  addCheckpoint(checkpoint: AuditCheckpoint): void;
  /**
   * A checkpoint as archived outside the table (call before finish): the table's checkpoint of that
   * day must be the same, and the day's chains must end at its heads.
   */
  addArchivedCheckpoint(checkpoint: AuditCheckpoint): void;
  /** An anchor (call before the day's entries): each anchored head must still be in its chain, unchanged. */
  addAnchor(anchor: AuditAnchor): void;
  finish(): VerifyReport;
}

/**
 * Verifies hash chains and checkpoints as they stream past, keeping only one (seq, hash) per chain:
 * memory grows with the number of chains, not entries. Pure: the same code checks the table and
 * JSON Lines archives.
 */
export function createVerifier(
  options: {
    /** The checkpoint before the first one verified; 'unknown' skips checking the first checkpoint's link. */
    readonly previousCheckpoint?: AuditCheckpoint | 'unknown';
    /** The table is being compared with an archive: the report says so even when it holds nothing for the range. */
    readonly archiveCompared?: boolean;
  } = {},
): ChainVerifier {
  const chains = new Map<string, ChainState>();
  const chainDays = new Map<string, Set<number>>();
  const checkpoints = new Map<string, AuditCheckpoint>();
  const problems: Problem[] = [];
  const archived = new Map<string, AuditCheckpoint>();
  /** Anchored heads by entry id: the hash the entry must have and when it was anchored. */
  const anchored = new Map<string, { hash: string; at: string; day: string; shard: number; seq: number }>();
  const anchorsSeen = { count: 0, newest: undefined as string | undefined };
  let entries = 0;
  let lastCheckpoint = options.previousCheckpoint === 'unknown' ? undefined : options.previousCheckpoint;
  let linkKnown = options.previousCheckpoint !== 'unknown';

  const report = (kind: BreakKind, order: Problem['order'], chain: string, message: string, id?: string) =>
    problems.push({ kind, order, chain, message, ...(id !== undefined ? { entryId: id } : {}) });

  const state = (day: string, shard: number): ChainState => {
    chainDays.set(day, (chainDays.get(day) ?? new Set<number>()).add(shard));
    const name = chainName(day, shard);
    const current = chains.get(name) ?? { seq: 0, hash: GENESIS_HASH };
    chains.set(name, current);
    return current;
  };

  return {
    noteChain(day, shard) {
      state(day, shard);
    },
    addEntry(entry, storedAt) {
      entries++;
      const day = storedAt?.day ?? entry.day;
      const shard = storedAt?.shard ?? entry.shard;
      const seq = storedAt?.seq ?? entry.seq;
      const chain = chainName(day, shard);
      const current = state(day, shard);
      const here = entryId(day, shard, seq);
      const order = [day, shard, seq] as const;
      const anchor = anchored.get(here);
      if (anchor) {
        anchored.delete(here);
        if (anchor.hash !== entry.hash) {
          report(
            'anchor-mismatch',
            order,
            chain,
            `entry ${here} differs from the head anchored in the archive at ${anchor.at}: rewritten after anchoring`,
            here,
          );
        }
      }
      if (entry.day !== day || entry.shard !== shard || entry.seq !== seq) {
        report(
          'position-mismatch',
          order,
          chain,
          `entry ${here} claims to be ${entryId(entry.day, entry.shard, entry.seq)}: moved or swapped`,
          here,
        );
      } else if (entryHash(entry) !== entry.hash) {
        report(
          'hash-mismatch',
          order,
          chain,
          `entry ${here} does not match its hash: its content was modified`,
          here,
        );
      } else if (seq > current.seq + 1) {
        const missing = entryId(day, shard, current.seq + 1);
        const count = seq - current.seq - 1;
        report(
          'missing-sequence',
          [day, shard, current.seq + 1],
          chain,
          `${count} entr${count === 1 ? 'y' : 'ies'} missing before ${here} (from ${missing}): deleted`,
          missing,
        );
      } else if (seq <= current.seq) {
        report(
          'position-mismatch',
          order,
          chain,
          `entry ${here} appears after seq ${current.seq}: out of order or duplicated`,
          here,
        );
      } else if (entry.prevHash !== current.hash) {
        report(
          'prev-hash-mismatch',
          order,
          chain,
          `entry ${here} does not link to the entry before it: an entry was replaced or re-ordered`,
          here,
        );
      }
      current.seq = Math.max(current.seq, seq);
      current.hash = entry.hash;
    },
    addMalformed(where, message) {
      entries++;
      if ('shard' in where) {
        const chain = chainName(where.day, where.shard);
        const current = state(where.day, where.shard);
        current.seq = Math.max(current.seq, where.seq);
        report(
          'malformed',
          [where.day, where.shard, where.seq],
          chain,
          message,
          entryId(where.day, where.shard, where.seq),
        );
      } else {
        report('malformed', [where.day, -1, 0], `checkpoint/${where.day}`, message);
      }
    },
    addCheckpoint(checkpoint) {
      const name = `checkpoint/${checkpoint.day}`;
      const order = [checkpoint.day, Number.MAX_SAFE_INTEGER, 0] as const;
      if (checkpointHash(checkpoint) !== checkpoint.hash) {
        report(
          'checkpoint-mismatch',
          order,
          name,
          `checkpoint ${checkpoint.day} does not match its hash: modified`,
        );
      } else if (
        linkKnown &&
        (checkpoint.prevHash !== (lastCheckpoint?.hash ?? GENESIS_HASH) ||
          checkpoint.prevDay !== (lastCheckpoint?.day ?? null))
      ) {
        report(
          'checkpoint-mismatch',
          order,
          name,
          `checkpoint ${checkpoint.day} links to ${checkpoint.prevDay ?? 'no checkpoint'} but the checkpoint before it is ${lastCheckpoint?.day ?? 'none'}: a checkpoint was removed or replaced`,
        );
      }
      checkpoints.set(checkpoint.day, checkpoint);
      lastCheckpoint = checkpoint;
      linkKnown = true;
    },
    addArchivedCheckpoint(checkpoint) {
      archived.set(checkpoint.day, checkpoint);
    },
    addAnchor(anchor) {
      anchorsSeen.count++;
      if (anchorsSeen.newest === undefined || anchor.at > anchorsSeen.newest) anchorsSeen.newest = anchor.at;
      for (const head of anchor.chains) {
        const id = entryId(anchor.day, head.shard, head.seq);
        const known = anchored.get(id);
        if (known && known.hash !== head.hash) {
          report(
            'anchor-mismatch',
            [anchor.day, head.shard, head.seq],
            chainName(anchor.day, head.shard),
            `anchors of ${known.at} and ${anchor.at} disagree on entry ${id}: an anchor was forged`,
            id,
          );
        }
        if (!known || anchor.at < known.at) {
          anchored.set(id, {
            hash: head.hash,
            at: anchor.at,
            day: anchor.day,
            shard: head.shard,
            seq: head.seq,
          });
        }
      }
    },
    finish() {
      const days = [...new Set([...chainDays.keys(), ...checkpoints.keys(), ...archived.keys()])].sort();
      const uncheckpointedDays: string[] = [];
      for (const day of days) {
        const checkpoint = checkpoints.get(day);
        const kept = archived.get(day);
        if (kept) compareWithArchive(day, checkpoint, kept);
        if (!checkpoint) {
          if (!kept) uncheckpointedDays.push(day);
          continue;
        }
        compareWithCheckpoint(day, checkpoint);
      }
      for (const missing of anchored.values()) {
        const id = entryId(missing.day, missing.shard, missing.seq);
        report(
          'anchor-mismatch',
          [missing.day, missing.shard, missing.seq],
          chainName(missing.day, missing.shard),
          `entry ${id}, anchored in the archive at ${missing.at}, is not in the table: deleted`,
          id,
        );
      }
      problems.sort((a, b) => compareOrder(a.order, b.order));
      const first = problems[0];
      return {
        ok: problems.length === 0,
        days,
        chains: chains.size,
        entries,
        checkpoints: checkpoints.size,
        uncheckpointedDays,
        problems: problems.length,
        ...(archived.size > 0 || anchorsSeen.count > 0 || options.archiveCompared
          ? {
              archive: {
                days: archived.size,
                anchors: anchorsSeen.count,
                ...(anchorsSeen.newest ? { newestAnchorAt: anchorsSeen.newest } : {}),
              },
            }
          : {}),
        ...(first
          ? {
              firstBreak: {
                kind: first.kind,
                chain: first.chain,
                message: first.message,
                ...(first.entryId ? { entryId: first.entryId } : {}),
              },
            }
          : {}),
      };
    },
  };

  /** The table's seal of a day against the one kept in the Object-Locked archive. */
  function compareWithArchive(
    day: string,
    inTable: AuditCheckpoint | undefined,
    kept: AuditCheckpoint,
  ): void {
    // First among the day's problems: the chain differences it explains come after it.
    const order = [day, -2, 0] as const;
    const name = `checkpoint/${day}`;
    if (checkpointHash(kept) !== kept.hash) {
      report(
        'archive-mismatch',
        order,
        name,
        `the archived checkpoint of ${day} does not match its own hash`,
      );
      return;
    }
    if (!inTable) {
      report(
        'archive-mismatch',
        order,
        name,
        `the checkpoint of ${day} is in the archive but not in the table: removed from the table`,
      );
    } else if (inTable.hash !== kept.hash) {
      report(
        'archive-mismatch',
        order,
        name,
        `the table's checkpoint of ${day} differs from the archived one: the day was rewritten and re-sealed`,
      );
    } else return;
    // The archived heads are the truth: show where the table's chains depart from them.
    compareWithCheckpoint(day, kept);
  }

  function compareWithCheckpoint(day: string, checkpoint: AuditCheckpoint): void {
    const sealed = new Set<number>();
    for (const head of checkpoint.chains) {
      sealed.add(head.shard);
      const chain = chainName(day, head.shard);
      const found = chains.get(chain);
      const order = [day, head.shard, (found?.seq ?? 0) + 1] as const;
      if (!found || found.seq < head.seq) {
        const id = entryId(day, head.shard, (found?.seq ?? 0) + 1);
        report(
          'checkpoint-mismatch',
          order,
          chain,
          `chain ${chain} ends at seq ${found?.seq ?? 0} but the checkpoint sealed seq ${head.seq}: newest entries were deleted`,
          id,
        );
      } else if (found.seq > head.seq) {
        report(
          'checkpoint-mismatch',
          order,
          chain,
          `chain ${chain} has ${found.seq - head.seq} entries after the sealed head ${head.seq}: appended after the checkpoint`,
          entryId(day, head.shard, head.seq + 1),
        );
      } else if (found.hash !== head.hash) {
        report(
          'checkpoint-mismatch',
          order,
          chain,
          `chain ${chain} head differs from the sealed head: the chain was rewritten`,
          entryId(day, head.shard, head.seq),
        );
      }
    }
    for (const shard of chainDays.get(day) ?? []) {
      if (sealed.has(shard)) continue;
      const chain = chainName(day, shard);
      report(
        'checkpoint-mismatch',
        [day, shard, 1],
        chain,
        `chain ${chain} is not in the checkpoint of ${day}: added after sealing`,
        entryId(day, shard, 1),
      );
    }
  }
}

function compareOrder(a: Problem['order'], b: Problem['order']): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[2] - b[2];
}
