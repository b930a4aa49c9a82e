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

/**
 * Streams entries into a file in bounded memory (it waits for the file stream to drain), hashing
 * what it writes. CSV gets a header row even when empty; JSON Lines is empty when there are no entries.
 */
export async function writeExport(
  entries: AsyncIterable<AuditEntry>,
  options: ExportOptions,
): Promise<ExportSummary> {
  const out = createWriteStream(options.path, { encoding: 'utf8' });
  const hash = createHash('sha256');
  const every = options.progressEvery ?? 10_000;
  let bytes = 0;
  let count = 0;
  let firstAt: string | undefined;
  let lastAt: string | undefined;
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  failed.catch(() => undefined);
  const write = async (text: string) => {
    hash.update(text, 'utf8');
    bytes += Buffer.byteLength(text, 'utf8');
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  try {
    if (options.format === 'csv') await write(csvHeader());
    for await (const entry of entries) {
      await write(options.format === 'csv' ? entryCsvRow(entry) : entryJsonLine(entry));
      count++;
      firstAt ??= entry.at;
      lastAt = entry.at;
      if (options.onProgress && count % every === 0) await options.onProgress(count);
    }
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
