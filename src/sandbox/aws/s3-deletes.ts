import type {
  DeleteBucketCommandInput,
  DeleteBucketCommandOutput,
  DeleteObjectCommandInput,
  DeleteObjectCommandOutput,
  ListObjectVersionsCommandInput,
  ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import { bucketOf } from './s3.js';
import { emitChange } from './world.js';

/**
 * Emptying and deleting a bucket (what a drill does to the bucket an AWS Backup restore created; FIDELITY.md,
 * "S3"): ListObjectVersions, DeleteObject of one version (permanent), DeleteBucket only when no version is left.
 */
export function registerS3Deletes(registry: Registry): void {
  registry
    .on<ListObjectVersionsCommandInput, ListObjectVersionsCommandOutput>(
      's3:ListObjectVersions',
      (input, { world }) => {
        const b = bucketOf(world, input.Bucket);
        const prefix = input.Prefix ?? '';
        const keys = [...b.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
        const max = input.MaxKeys ?? 1000;
        const versions = keys.flatMap((k) => {
          const list = b.objects.get(k) ?? [];
          return list.map((v, i) => ({
            Key: k,
            VersionId: v.versionId,
            IsLatest: i === list.length - 1,
            LastModified: new Date(v.lastModified),
            ETag: v.etag,
            Size: v.body.length,
          }));
        });
        const page = versions.slice(0, max);
        // Paging by key/version markers is not modelled: more than MaxKeys versions is refused (stricter).
        if (versions.length > page.length)
          throw awsError(
            's3',
            'NotImplemented',
            'ListObjectVersions paging is not modelled in the sandbox',
            501,
          );
        return { Name: b.name, Prefix: prefix, MaxKeys: max, IsTruncated: false, Versions: page };
      },
    )
    .on<DeleteObjectCommandInput, DeleteObjectCommandOutput>('s3:DeleteObject', (input, { world }) => {
      const b = bucketOf(world, input.Bucket);
      const key = input.Key ?? '';
      const list = b.objects.get(key) ?? [];
      if (!input.VersionId) {
        // Without a version id a versioned bucket only gets a delete marker (not modelled): refused, stricter.
        if (b.versioning === 'Enabled')
          throw awsError('s3', 'NotImplemented', 'Delete markers are not modelled: name a VersionId', 501);
        b.objects.delete(key);
        return {};
      }
      const rest = list.filter((v) => v.versionId !== input.VersionId);
      if (rest.length > 0) b.objects.set(key, rest);
      else b.objects.delete(key);
      return { VersionId: input.VersionId };
    })
    .on<DeleteBucketCommandInput, DeleteBucketCommandOutput>('s3:DeleteBucket', (input, { world }) => {
      const b = bucketOf(world, input.Bucket);
      if (b.objects.size > 0)
        throw awsError('s3', 'BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
      world.s3.buckets.delete(b.name);
      emitChange(world, 's3-bucket', b.name, { region: b.region, to: 'deleted' });
      return {};
    });
}
