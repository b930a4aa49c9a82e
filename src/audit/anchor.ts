import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { sdk } from '../adapters/aws/sdk.js';
import { DEFAULT_ARCHIVE_PREFIX, isPreconditionFailed } from './archive.js';
import { DAY_MS, dayOf } from './chain.js';
import type { AuditAnchor, AuditLog, ChainHead } from './types.js';

export const anchorPrefix = (keyPrefix: string, day: string): string => `${keyPrefix}anchors/${day}/`;

/** `<prefix>anchors/<day>/<ISO time with - for :>-<writer hash>.json`: sorts by time, never collides. */
export function anchorKey(keyPrefix: string, anchor: AuditAnchor): string {
  const writer = createHash('sha256').update(anchor.writer).digest('hex').slice(0, 8);
  return `${anchorPrefix(keyPrefix, anchor.day)}${anchor.at.replaceAll(':', '-')}-${writer}.json`;
}

export interface AnchorOptions {
  readonly audit: Pick<AuditLog, 'heads' | 'append'>;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keyPrefix?: string;
  readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retainDays: number };
  readonly now: number;
  readonly writer: string;
}

export interface AnchorResult {
  readonly day: string;
  readonly key: string;
  readonly chains: readonly ChainHead[];
  readonly status: 'written' | 'exists' | 'empty';
}

/**
 * Anchors the current head of every chain of today and yesterday (yesterday's heads are final once
 * the day is over, and its seal may not have run yet) in the Object-Locked archive, write-once.
 * Verification then finds any later rewrite or removal of an anchored entry, even on a day that is
 * not sealed yet. Records `audit.anchored` for what it wrote.
 */
export async function anchorHeads(options: AnchorOptions): Promise<AnchorResult[]> {
  const prefix = options.keyPrefix ?? DEFAULT_ARCHIVE_PREFIX;
  const at = new Date(options.now).toISOString();
  const results: AnchorResult[] = [];
  for (const day of [dayOf(options.now - DAY_MS), dayOf(options.now)]) {
    const chains = await options.audit.heads(day);
    const anchor: AuditAnchor = { day, at, writer: options.writer, chains };
    const key = anchorKey(prefix, anchor);
    if (chains.length === 0) {
      results.push({ day, key, chains, status: 'empty' });
      continue;
    }
    const body = `${JSON.stringify({ record: 'anchor', ...anchor })}\n`;
    try {
      await options.s3.send(
        new (sdk.s3().PutObjectCommand)({
          Bucket: options.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
          IfNoneMatch: '*',
          ...(options.objectLock
            ? {
                ObjectLockMode: options.objectLock.mode,
                ObjectLockRetainUntilDate: new Date(options.now + options.objectLock.retainDays * DAY_MS),
              }
            : {}),
        }),
      );
      results.push({ day, key, chains, status: 'written' });
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      results.push({ day, key, chains, status: 'exists' });
    }
  }
  const written = results.filter((r) => r.status === 'written');
  if (written.length > 0) {
    await options.audit.append({
      type: 'audit.anchored',
      actor: 'lifeboat',
      details: {
        bucket: options.bucket,
        anchors: written.map((r) => ({
          day: r.day,
          key: r.key,
          chains: r.chains.map((c) => ({ shard: c.shard, seq: c.seq, hash: c.hash })),
        })),
      },
    });
  }
  return results;
}
