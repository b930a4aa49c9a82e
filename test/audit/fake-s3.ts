import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

async function text(body: unknown): Promise<string> {
  if (typeof body === 'string') return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A write-once bucket behind the real S3 client (aws-sdk-client-mock): PutObject honours
 * If-None-Match (412 PreconditionFailed when the key exists), GetObject streams the body, and
 * ListObjectsV2 pages in key order (2 keys a page, to exercise continuation).
 */
export function fakeArchiveBucket() {
  const objects = new Map<string, string>();
  const mock = mockClient(S3Client);
  mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: unknown; IfNoneMatch?: string }) => {
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      });
    }
    objects.set(input.Key, await text(input.Body));
    return { VersionId: `v${objects.size}` };
  });
  mock.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (body === undefined)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    async function* stream() {
      // Two chunks split mid-line: readers must not assume whole lines per chunk.
      const bytes = Buffer.from(body ?? '');
      yield bytes.subarray(0, Math.floor(bytes.length / 2));
      yield bytes.subarray(Math.floor(bytes.length / 2));
    }
    return { Body: stream() };
  });
  mock.on(ListObjectsV2Command).callsFake(async (input: { Prefix?: string; ContinuationToken?: string }) => {
    const keys = [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = keys.slice(start, start + 2);
    const more = start + 2 < keys.length;
    return {
      Contents: page.map((Key) => ({ Key })),
      IsTruncated: more,
      ...(more ? { NextContinuationToken: String(start + 2) } : {}),
    };
  });
  return { objects, s3: new S3Client({ region: 'us-west-2' }), restore: () => mock.restore() };
}
