import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { csvHeader, entryCsvRow } from './csv.js';
import type { AuditEntry } from './types.js';

export type ExportFormat = 'csv' | 'json';

export interface ExportSummary {
  readonly count: number;
  readonly bytes: number;
  /** SHA-256 (hex) of the file as written. */
  readonly sha256: string;
  readonly firstAt?: string;
  readonly lastAt?: string;
}

export interface ExportOptions {
  readonly path: string;
  readonly format: ExportFormat;
  /** Called every `progressEvery` entries (default 10,000) with the count so far. */
  readonly onProgress?: (count: number) => Promise<void> | void;
  readonly progressEvery?: number;
}

/** One JSON Lines record per entry: the entry as stored, which verifyArchive() also reads. */
export const entryJsonLine = (entry: AuditEntry): string => `${JSON.stringify(entry)}\n`;

/** Rows are gathered into chunks of about this many characters before a write (bounded memory, few writes). */
const CHUNK_CHARS = 64 * 1024;
/** What the file stream may hold before the export waits for it to drain. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

/**
 * Streams entries into a file in bounded memory (it waits for the file stream to drain), hashing
 * what it writes. CSV gets a header row even when empty; JSON Lines is empty when there are no entries.
 * Rows go to the file and the hash in chunks of ~64 KB, not one write per row: a write and a hash update
 * per entry were a fifth of the export's own CPU (docs/audit.md, "Own CPU per entry"); the bytes and
 * their SHA-256 are the same.
 */
export async function writeExport(
  entries: AsyncIterable<AuditEntry>,
  options: ExportOptions,
): Promise<ExportSummary> {
  // 1 MB of buffer (the default is 16 KB, less than one chunk): the file writes then overlap with reading the
  // next entries instead of the export waiting for each 64 KB chunk to drain (docs/audit.md, "Item format").
  const out = createWriteStream(options.path, { encoding: 'utf8', highWaterMark: WRITE_BUFFER_BYTES });
  const hash = createHash('sha256');
  const every = options.progressEvery ?? 10_000;
  let bytes = 0;
  let count = 0;
  let firstAt: string | undefined;
  let lastAt: string | undefined;
  let chunk = '';
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  failed.catch(() => undefined);
  const flush = async () => {
    if (chunk === '') return;
    const text = chunk;
    chunk = '';
    hash.update(text, 'utf8');
    bytes += Buffer.byteLength(text, 'utf8');
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  try {
    if (options.format === 'csv') chunk = csvHeader();
    for await (const entry of entries) {
      chunk += options.format === 'csv' ? entryCsvRow(entry) : entryJsonLine(entry);
      count++;
      firstAt ??= entry.at;
      lastAt = entry.at;
      if (chunk.length >= CHUNK_CHARS) await flush();
      if (options.onProgress && count % every === 0) {
        // What the progress reports is in the file.
        await flush();
        await options.onProgress(count);
      }
    }
    await flush();
  } finally {
    out.end();
    await Promise.race([once(out, 'close'), failed]);
  }
  return {
    count,
    bytes,
    sha256: hash.digest('hex'),
    ...(firstAt !== undefined ? { firstAt } : {}),
    ...(lastAt !== undefined ? { lastAt } : {}),
  };
}
