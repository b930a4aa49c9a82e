import type { S3Client } from '@aws-sdk/client-s3';
import { sdk } from '../adapters/aws/sdk.js';
import { DEFAULT_ARCHIVE_PREFIX } from './archive.js';
import { isDay } from './chain.js';
import { parseCheckpoint } from './store.js';
import type { ArchiveEvidence, ArchiveSource, AuditAnchor, AuditCheckpoint, ChainHead } from './types.js';

const inRange = (day: string, from?: string, to?: string) =>
  (from === undefined || day >= from) && (to === undefined || day <= to);

/**
 * The S3 archive as verification evidence: each archived day's checkpoint (the last line of
 * `<prefix><day>.jsonl`, streamed, so a large day costs no memory) and every anchor
 * (`<prefix>anchors/<day>/…json`). Needs s3:ListBucket on the prefix and s3:GetObject.
 */
export function s3ArchiveSource(options: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keyPrefix?: string;
}): ArchiveSource {
  const prefix = options.keyPrefix ?? DEFAULT_ARCHIVE_PREFIX;
  const { s3, bucket } = options;

  async function* keys(): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new (sdk.s3().ListObjectsV2Command)({
          Bucket: bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const item of page.Contents ?? []) if (item.Key) yield item.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async function lastLine(key: string): Promise<string> {
    const { Body } = await s3.send(new (sdk.s3().GetObjectCommand)({ Bucket: bucket, Key: key }));
    if (!Body) return '';
    const decoder = new TextDecoder();
    let pending = '';
    let last = '';
    for await (const chunk of Body as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') last = line;
    }
    pending += decoder.decode();
    return pending.trim() !== '' ? pending : last;
  }

  return {
    async evidence(fromDay, toDay) {
      const checkpoints = new Map<string, AuditCheckpoint>();
      const anchors: AuditAnchor[] = [];
      const problems: { day: string; message: string }[] = [];
      for await (const key of keys()) {
        const rest = key.slice(prefix.length);
        const daily = /^(\d{4}-\d{2}-\d{2})\.jsonl$/.exec(rest)?.[1];
        const anchored = /^anchors\/(\d{4}-\d{2}-\d{2})\/[^/]+\.json$/.exec(rest)?.[1];
        const day = daily ?? anchored;
        if (!day || !isDay(day) || !inRange(day, fromDay, toDay)) continue;
        const where = `s3://${bucket}/${key}`;
        try {
          const record = JSON.parse(await lastLine(key)) as Record<string, unknown>;
          if (daily) {
            const cp =
              record.record === 'checkpoint' ? parseCheckpoint(record) : 'its last line is not a checkpoint';
            const problem =
              typeof cp === 'string' ? cp : cp.day !== day ? 'a checkpoint of another day' : undefined;
            if (problem !== undefined || typeof cp === 'string')
              problems.push({ day, message: `${where}: ${problem}` });
            else checkpoints.set(day, cp);
          } else {
            const anchor = parseAnchor(record);
            const problem =
              typeof anchor === 'string'
                ? anchor
                : anchor.day !== day
                  ? 'an anchor of another day'
                  : undefined;
            if (problem !== undefined || typeof anchor === 'string')
              problems.push({ day, message: `${where}: ${problem}` });
            else anchors.push(anchor);
          }
        } catch (error) {
          problems.push({
            day,
            message: `${where}: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      }
      anchors.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      return { checkpoints, anchors, problems } satisfies ArchiveEvidence;
    },
  };
}

const HASH = /^[0-9a-f]{64}$/;

export function parseAnchor(record: Record<string, unknown>): AuditAnchor | string {
  const { day, at, writer, chains } = record;
  if (record.record !== 'anchor') return 'not an anchor';
  if (typeof day !== 'string' || !isDay(day) || typeof at !== 'string' || typeof writer !== 'string')
    return 'missing day, at or writer';
  if (!Array.isArray(chains)) return 'missing chains';
  const heads: ChainHead[] = [];
  for (const c of chains as unknown[]) {
    const h = c as Record<string, unknown>;
    if (
      h === null ||
      typeof h !== 'object' ||
      !Number.isInteger(h.shard) ||
      !Number.isInteger(h.seq) ||
      typeof h.hash !== 'string' ||
      !HASH.test(h.hash)
    )
      return 'malformed chain head';
    heads.push({ shard: h.shard as number, seq: h.seq as number, hash: h.hash });
  }
  return { day, at, writer, chains: heads };
}
