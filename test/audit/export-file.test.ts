import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainTip, nextEntry } from '../../src/audit/chain.js';
import { csvHeader, entryCsvRow } from '../../src/audit/csv.js';
import { entryJsonLine, writeExport } from '../../src/audit/export.js';
import type { AuditEntry } from '../../src/audit/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Enough entries for several ~64 KB chunks, with text that is several bytes per character in UTF-8. */
function entries(count: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let tip: ChainTip | undefined;
  for (let i = 0; i < count; i++) {
    const entry = nextEntry(
      tip,
      { type: 'command', actor: 'U0ALICE', details: { text: `=status é😀 "${i}",\n${'x'.repeat(i % 300)}` } },
      { day: '2026-11-20', shard: 0, now: Date.UTC(2026, 10, 20) + i, writer: 'w' },
    );
    tip = { seq: entry.seq, hash: entry.hash, at: entry.at };
    out.push(entry);
  }
  return out;
}

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

describe('writeExport', () => {
  const all = entries(1_500);

  it.each(['csv', 'json'] as const)(
    'writes every row in order, with the bytes and SHA-256 of the file (%s)',
    async (format) => {
      const path = join(dir, `out.${format}`);
      const progress: number[] = [];
      const summary = await writeExport(stream(all), {
        path,
        format,
        progressEvery: 500,
        onProgress: async (count) => {
          progress.push(count);
        },
      });
      const expected =
        format === 'csv' ? csvHeader() + all.map(entryCsvRow).join('') : all.map(entryJsonLine).join('');
      const file = await readFile(path);
      expect(file.toString('utf8')).toBe(expected);
      expect(summary.bytes).toBe(file.length);
      expect(summary.sha256).toBe(createHash('sha256').update(file).digest('hex'));
      expect(summary.count).toBe(all.length);
      expect(summary.firstAt).toBe(all[0]?.at);
      expect(summary.lastAt).toBe(all.at(-1)?.at);
      expect(progress).toEqual([500, 1000, 1500]);
    },
  );

  it('writes only the CSV header for no entries, and nothing for JSON Lines', async () => {
    const csv = await writeExport(stream([]), { path: join(dir, 'empty.csv'), format: 'csv' });
    expect(await readFile(join(dir, 'empty.csv'), 'utf8')).toBe(csvHeader());
    expect(csv.count).toBe(0);
    const json = await writeExport(stream([]), { path: join(dir, 'empty.json'), format: 'json' });
    expect(json.bytes).toBe(0);
    expect(await readFile(join(dir, 'empty.json'), 'utf8')).toBe('');
  });
});
