import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  GetBucketEncryptionCommandInput,
  GetBucketEncryptionCommandOutput,
  GetBucketReplicationCommandInput,
  GetBucketReplicationCommandOutput,
  GetBucketVersioningCommandInput,
  GetBucketVersioningCommandOutput,
  GetObjectCommandInput,
  GetObjectCommandOutput,
  HeadObjectCommandInput,
  HeadObjectCommandOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2CommandOutput,
  PutBucketReplicationCommandInput,
  PutBucketReplicationCommandOutput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { DURATIONS } from './durations.js';
import { awsError, unavailableError } from './errors.js';
import type { Registry } from './registry.js';
import {
  emitChange,
  impairedSince,
  nextId,
  regionUp,
  type S3Bucket,
  type S3ObjectVersion,
  type World,
} from './world.js';

export function bucketOf(w: World, name: string | undefined): S3Bucket {
  const bucket = name ? w.s3.buckets.get(name) : undefined;
  if (!bucket) throw awsError('s3', 'NoSuchBucket', 'The specified bucket does not exist', 404);
  // The bucket's own Region answers, whichever client Region sent the request.
  if (!regionUp(w, bucket.region)) throw unavailableError('s3', bucket.region);
  return bucket;
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  if (body instanceof Readable || (typeof body === 'object' && Symbol.asyncIterator in body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw awsError('s3', 'InvalidArgument', 'Unsupported body type in the sandbox');
}

/** A Node stream with the SDK's stream mixin methods, like a real GetObject Body. */
function sdkStream(bytes: Buffer): GetObjectCommandOutput['Body'] {
  const stream = Readable.from([bytes]);
  return Object.assign(stream, {
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToString: async (encoding?: string) => bytes.toString((encoding ?? 'utf8') as BufferEncoding),
    transformToWebStream: () => Readable.toWeb(Readable.from([bytes])) as ReadableStream,
  });
}

function latest(bucket: S3Bucket, key: string | undefined, versionId?: string): S3ObjectVersion {
  const versions = key ? bucket.objects.get(key) : undefined;
  const v = versionId ? versions?.find((x) => x.versionId === versionId) : versions?.at(-1);
  if (!v) throw awsError('s3', 'NoSuchKey', 'The specified key does not exist.', 404);
  return v;
}

function putVersion(bucket: S3Bucket, key: string, v: S3ObjectVersion): void {
  const list = bucket.objects.get(key) ?? [];
  bucket.objects.set(key, bucket.versioning === 'Enabled' ? [...list, v] : [v]);
}

/** Completes replication of objects whose delay has passed while source, destination and rule are healthy. */
export function advanceS3(w: World): void {
  const now = w.time.now();
  for (const bucket of w.s3.buckets.values()) {
    for (const [key, versions] of bucket.objects) {
      for (const v of versions) {
        const r = v.replication;
        if (!r || r.completedAt !== undefined || r.dueAt > now) continue;
        const dest = w.s3.buckets.get(r.destination);
        const rule = bucket.replication?.rules.find((x) => x.id === r.ruleId);
        if (!dest || rule?.status !== 'Enabled') continue;
        if (
          impairedSince(w, now, [bucket.region, dest.region], [bucket.name, dest.name, r.ruleId]) !==
          undefined
        )
          continue;
        r.completedAt = Math.max(r.dueAt, now);
        v.replicationStatus = 'COMPLETED';
        putVersion(dest, key, {
          ...v,
          body: Buffer.from(v.body),
          replicationStatus: 'REPLICA',
          replication: undefined,
        });
        emitChange(w, 's3-object', `${bucket.name}/${key}`, { to: 'COMPLETED', destination: dest.name });
      }
    }
  }
}

const objectHead = (v: S3ObjectVersion) => ({
  ETag: v.etag,
  VersionId: v.versionId,
  LastModified: new Date(v.lastModified),
  ContentLength: v.body.length,
  ContentType: v.contentType,
  Metadata: { ...v.metadata },
  ServerSideEncryption: 'aws:kms' as const,
  ...(v.replicationStatus ? { ReplicationStatus: v.replicationStatus } : {}),
});

export function registerS3(registry: Registry): void {
  registry
    .on<GetBucketVersioningCommandInput, GetBucketVersioningCommandOutput>(
      's3:GetBucketVersioning',
      (input, { world }) => {
        const b = bucketOf(world, input.Bucket);
        return b.versioning ? { Status: b.versioning, MFADelete: 'Disabled' } : {};
      },
    )
    .on<GetBucketReplicationCommandInput, GetBucketReplicationCommandOutput>(
      's3:GetBucketReplication',
      (input, { world }) => {
        const b = bucketOf(world, input.Bucket);
        if (!b.replication)
          throw awsError(
            's3',
            'ReplicationConfigurationNotFoundError',
            'The replication configuration was not found',
            404,
          );
        return {
          ReplicationConfiguration: {
            Role: b.replication.role,
            Rules: b.replication.rules.map((r) => ({
              ID: r.id,
              Priority: r.priority,
              Status: r.status,
              Filter: { Prefix: r.prefix },
              DeleteMarkerReplication: { Status: 'Enabled' },
              Destination: {
                Bucket: `arn:aws:s3:::${r.destinationBucket}`,
                ...(r.rtc
                  ? {
                      ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
                      Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
                    }
                  : {}),
              },
            })),
          },
        };
      },
    )
    .on<PutBucketReplicationCommandInput, PutBucketReplicationCommandOutput>(
      's3:PutBucketReplication',
      (input, { world }) => {
        const b = bucketOf(world, input.Bucket);
        if (b.versioning !== 'Enabled')
          throw awsError(
            's3',
            'InvalidRequest',
            'Versioning must be enabled on the bucket to apply a replication configuration',
          );
        const config = input.ReplicationConfiguration;
        b.replication = {
          role: config?.Role ?? '',
          rules: (config?.Rules ?? []).map((r, n) => ({
            id: r.ID ?? `rule-${n + 1}`,
            priority: r.Priority ?? n + 1,
            status: r.Status === 'Enabled' ? 'Enabled' : 'Disabled',
            prefix: r.Filter?.Prefix ?? r.Prefix ?? '',
            destinationBucket: (r.Destination?.Bucket ?? '').replace(/^arn:aws[a-z-]*:s3:::/, ''),
            rtc: r.Destination?.ReplicationTime?.Status === 'Enabled',
          })),
        };
        emitChange(world, 's3-bucket', b.name, {
          replication: b.replication.rules.map((r) => `${r.id}:${r.status}`),
        });
        return {};
      },
    )
    .on<GetBucketEncryptionCommandInput, GetBucketEncryptionCommandOutput>(
      's3:GetBucketEncryption',
      (input, { world }) => {
        const b = bucketOf(world, input.Bucket);
        return {
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: b.encryption.algorithm,
                  ...(b.encryption.kmsKeyId ? { KMSMasterKeyID: b.encryption.kmsKeyId } : {}),
                },
                BucketKeyEnabled: b.encryption.algorithm === 'aws:kms',
              },
            ],
          },
        };
      },
    )
    .on<PutObjectCommandInput, PutObjectCommandOutput>('s3:PutObject', async (input, { world }) => {
      const b = bucketOf(world, input.Bucket);
      const key = input.Key ?? '';
      const body = await bodyBytes(input.Body);
      const now = world.time.now();
      const rule = b.replication?.rules
        .filter((r) => r.status === 'Enabled' && key.startsWith(r.prefix))
        .sort((x, y) => y.priority - x.priority)[0];
      const v: S3ObjectVersion = {
        versionId: b.versioning === 'Enabled' ? nextId(world, 'v', 31) : 'null',
        body,
        etag: `"${createHash('md5').update(body).digest('hex')}"`,
        lastModified: now,
        contentType: input.ContentType ?? 'application/octet-stream',
        metadata: { ...(input.Metadata ?? {}) },
        ...(rule
          ? {
              replicationStatus: 'PENDING' as const,
              replication: {
                destination: rule.destinationBucket,
                ruleId: rule.id,
                dueAt: now + world.time.toClock(DURATIONS.s3Replication),
              },
            }
          : {}),
      };
      putVersion(b, key, v);
      return {
        ETag: v.etag,
        ...(b.versioning === 'Enabled' ? { VersionId: v.versionId } : {}),
        ServerSideEncryption: 'aws:kms',
      };
    })
    .on<GetObjectCommandInput, GetObjectCommandOutput>('s3:GetObject', (input, { world }) => {
      const v = latest(bucketOf(world, input.Bucket), input.Key, input.VersionId);
      return { ...objectHead(v), Body: sdkStream(v.body) };
    })
    .on<HeadObjectCommandInput, HeadObjectCommandOutput>('s3:HeadObject', (input, { world }) => {
      const b = bucketOf(world, input.Bucket);
      const versions = input.Key ? b.objects.get(input.Key) : undefined;
      const v = input.VersionId ? versions?.find((x) => x.versionId === input.VersionId) : versions?.at(-1);
      if (!v) throw awsError('s3', 'NotFound', 'Not Found', 404);
      return objectHead(v);
    })
    .on<ListObjectsV2CommandInput, ListObjectsV2CommandOutput>('s3:ListObjectsV2', (input, { world }) => {
      const b = bucketOf(world, input.Bucket);
      const prefix = input.Prefix ?? '';
      const after = input.ContinuationToken
        ? Buffer.from(input.ContinuationToken, 'base64').toString('utf8')
        : (input.StartAfter ?? '');
      const keys = [...b.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
      const max = input.MaxKeys ?? 1000;
      const page = keys.slice(0, max);
      const truncated = keys.length > page.length;
      return {
        Name: b.name,
        Prefix: prefix,
        MaxKeys: max,
        KeyCount: page.length,
        IsTruncated: truncated,
        ...(truncated
          ? { NextContinuationToken: Buffer.from(page.at(-1) ?? '', 'utf8').toString('base64') }
          : {}),
        Contents: page.map((k) => {
          const v = b.objects.get(k)?.at(-1);
          return {
            Key: k,
            LastModified: new Date(v?.lastModified ?? 0),
            ETag: v?.etag,
            Size: v?.body.length ?? 0,
            StorageClass: 'STANDARD',
          };
        }),
      };
    });
}
