import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { sdk } from '../adapters/aws/sdk.js';
import { DAY_MS, dayStart, isDay } from './chain.js';
import { entryJsonLine } from './export.js';
import type { AuditCheckpoint, AuditEntry, AuditLog } from './types.js';

/** Default key prefix of the archive: daily files `<prefix><day>.jsonl`, anchors under `<prefix>anchors/`. */
export const DEFAULT_ARCHIVE_PREFIX = 'lifeboat/audit/';

export interface ArchiveOptions {
  readonly audit: AuditLog;
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix (default `lifeboat/audit/`); the key is `<prefix><day>.jsonl`. */
  readonly keyPrefix?: string;
  /** S3 Object Lock retention for the object, counted from the end of the archived day. */
  readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retainDays: number };
  /** Where the file is staged before upload (default: the OS temp directory). */
  readonly tmpDir?: string;
}

export interface ArchiveResult {
  readonly day: string;
  readonly bucket: string;
  readonly key: string;
  /** 'exists' when an object was already at the key (If-None-Match refused the write). */
  readonly status: 'written' | 'exists';
  readonly entries: number;
  readonly bytes: number;
  /** SHA-256 of the object, hex (as in exports) and base64 (as sent in ChecksumSHA256). */
  readonly sha256: string;
  readonly checksumSHA256: string;
  readonly checkpointHash: string;
  readonly versionId?: string;
}

/** The archive line of a checkpoint (entries are written as in a JSON Lines export). */
export const checkpointJsonLine = (checkpoint: AuditCheckpoint): string =>
  `${JSON.stringify({ record: 'checkpoint', ...checkpoint })}\n`;

export const isPreconditionFailed = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'PreconditionFailed' ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412);

/**
 * Seals `day` with its checkpoint (if not yet sealed), writes its entries and then the checkpoint
 * as JSON Lines to S3 with ChecksumSHA256, If-None-Match: * (never overwrite) and, when configured,
 * Object Lock retention; then records `audit.archived`. The scheduler calls it daily for yesterday.
 */
export async function archiveDay(day: string, options: ArchiveOptions): Promise<ArchiveResult> {
  if (!isDay(day)) throw new Error(`expected a day as YYYY-MM-DD, got "${day}"`);
  const checkpoint = await options.audit.checkpoint(day);
  const key = `${options.keyPrefix ?? DEFAULT_ARCHIVE_PREFIX}${day}.jsonl`;
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'lifeboat-archive-'));
  const path = join(dir, `${day}.jsonl`);
  try {
    const hash = createHash('sha256');
    const out = createWriteStream(path, { encoding: 'utf8' });
    let bytes = 0;
    let entries = 0;
    const write = async (line: string) => {
      hash.update(line, 'utf8');
      bytes += Buffer.byteLength(line, 'utf8');
      if (!out.write(line)) await once(out, 'drain');
    };
    for await (const record of options.audit.readDay(day)) {
      if ('seq' in record) {
        await write(entryJsonLine(record as AuditEntry));
        entries++;
      }
    }
    await write(checkpointJsonLine(checkpoint));
    out.end();
    await once(out, 'close');
    const digest = hash.digest();
    const input: PutObjectCommandInput = {
      Bucket: options.bucket,
      Key: key,
      Body: createReadStream(path),
      ContentLength: bytes,
      ContentType: 'application/x-ndjson',
      ChecksumSHA256: digest.toString('base64'),
      IfNoneMatch: '*',
      Metadata: {
        'lifeboat-day': day,
        'lifeboat-entries': String(entries),
        'lifeboat-checkpoint': checkpoint.hash,
      },
      ...(options.objectLock
        ? {
            ObjectLockMode: options.objectLock.mode,
            ObjectLockRetainUntilDate: new Date(
              dayStart(day) + DAY_MS + options.objectLock.retainDays * DAY_MS,
            ),
          }
        : {}),
    };
    const base = {
      day,
      bucket: options.bucket,
      key,
      entries,
      bytes,
      sha256: digest.toString('hex'),
      checksumSHA256: digest.toString('base64'),
      checkpointHash: checkpoint.hash,
    };
    let result: ArchiveResult;
    try {
      const res = await options.s3.send(new (sdk.s3().PutObjectCommand)(input));
      result = { ...base, status: 'written', ...(res.VersionId ? { versionId: res.VersionId } : {}) };
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      result = { ...base, status: 'exists' };
    }
    await options.audit.append({
      type: 'audit.archived',
      actor: 'lifeboat',
      details: {
        day,
        bucket: result.bucket,
        key,
        status: result.status,
        entries,
        sha256: result.sha256,
        checkpoint: checkpoint.hash,
        ...(result.versionId ? { versionId: result.versionId } : {}),
      },
    });
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
