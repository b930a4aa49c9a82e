import {
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type CloudEnv, simulatedCloud } from '../fidelity/helpers.js';

const MINUTE = 60_000;
const ROLE = 'arn:aws:iam::123456789012:role/lifeboat-backup-restore-payments';

/** The newest copy of a payments resource in the recovery Region's vault. */
async function newestCopy(env: CloudEnv, resourceArn: string): Promise<string> {
  const out = await env.west.backup.send(
    new ListRecoveryPointsByBackupVaultCommand({
      BackupVaultName: 'lifeboat-payments',
      ByResourceArn: resourceArn,
    }),
  );
  const points = (out.RecoveryPoints ?? []).sort(
    (a, b) => (b.CreationDate?.getTime() ?? 0) - (a.CreationDate?.getTime() ?? 0),
  );
  const arn = points[0]?.RecoveryPointArn;
  if (!arn) throw new Error(`no copy of ${resourceArn}`);
  return arn;
}

describe('simulated AWS Backup restore jobs create the resource in its service', () => {
  let env: CloudEnv;
  afterEach(async () => {
    await env.close();
  });

  it('a completed DynamoDB restore job creates a table that DynamoDB describes, with the source items', async () => {
    // Prepare
    env = await simulatedCloud();
    const rp = await newestCopy(env, 'arn:aws:dynamodb:us-east-1:123456789012:table/payments-ledger');
    const metadata = await env.west.backup.send(
      new GetRecoveryPointRestoreMetadataCommand({
        BackupVaultName: 'lifeboat-payments',
        RecoveryPointArn: rp,
      }),
    );
    expect(metadata.RestoreMetadata?.targetTableName).toBe('payments-ledger');

    // Act
    const { RestoreJobId } = await env.west.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: rp,
        IamRoleArn: ROLE,
        IdempotencyToken: 'drill-1-ledger',
        ResourceType: 'DynamoDB',
        Metadata: { ...metadata.RestoreMetadata, targetTableName: 'lifeboat-drill-1-ledger' },
      }),
    );
    env.clock.advance(12 * MINUTE);
    const job = await env.west.backup.send(new DescribeRestoreJobCommand({ RestoreJobId }));
    const table = await env.west.dynamodb.send(
      new DescribeTableCommand({ TableName: 'lifeboat-drill-1-ledger' }),
    );

    // Assert
    expect(job.Status).toBe('COMPLETED');
    expect(job.CreatedResourceArn).toBe(
      'arn:aws:dynamodb:us-west-2:123456789012:table/lifeboat-drill-1-ledger',
    );
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    await env.west.dynamodb.send(new DeleteTableCommand({ TableName: 'lifeboat-drill-1-ledger' }));
    env.clock.advance(2 * MINUTE);
    await expect(
      env.west.dynamodb.send(new DescribeTableCommand({ TableName: 'lifeboat-drill-1-ledger' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('an S3 restore to a new bucket creates it with the source objects; an Aurora restore creates a cluster', async () => {
    // Prepare
    env = await simulatedCloud();
    await env.east.s3.send(
      new PutObjectCommand({ Bucket: 'payments-receipts-use1', Key: 'r/1.json', Body: '{"a":1}' }),
    );
    const s3 = await newestCopy(env, 'arn:aws:s3:::payments-receipts-use1');
    const aurora = await newestCopy(env, 'arn:aws:rds:us-east-1:123456789012:cluster:payments-use1');

    // Act
    const bucketJob = await env.west.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: s3,
        IamRoleArn: ROLE,
        Metadata: {
          DestinationBucketName: 'lifeboat-drill-1-receipts',
          NewBucket: 'true',
          Encrypted: 'true',
        },
      }),
    );
    const clusterJob = await env.west.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: aurora,
        IamRoleArn: ROLE,
        Metadata: { DBClusterIdentifier: 'lifeboat-drill-1-db', Engine: 'aurora-postgresql' },
      }),
    );
    env.clock.advance(40 * MINUTE);

    // Assert
    const done = await env.west.backup.send(
      new DescribeRestoreJobCommand({ RestoreJobId: bucketJob.RestoreJobId }),
    );
    expect(done.Status).toBe('COMPLETED');
    const listed = await env.west.s3.send(new ListObjectsV2Command({ Bucket: 'lifeboat-drill-1-receipts' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['r/1.json']);
    const cluster = await env.west.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'lifeboat-drill-1-db' }),
    );
    expect(cluster.DBClusters?.[0]?.Status).toBe('available');
    const again = await env.west.backup.send(
      new DescribeRestoreJobCommand({ RestoreJobId: clusterJob.RestoreJobId }),
    );
    expect(again.CreatedResourceArn).toContain(':cluster:lifeboat-drill-1-db');
  });

  it('refuses a restore without the metadata its type needs or without a role; a faulted job FAILS with the reason', async () => {
    // Prepare
    env = await simulatedCloud();
    const rp = await newestCopy(env, 'arn:aws:dynamodb:us-east-1:123456789012:table/payments-ledger');

    // Act / Assert: refused calls
    await expect(
      env.west.backup.send(
        new StartRestoreJobCommand({
          RecoveryPointArn: rp,
          IamRoleArn: ROLE,
          Metadata: { encryptionType: 'Default' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'MissingParameterValueException' });
    await expect(
      env.west.backup.send(
        new StartRestoreJobCommand({ RecoveryPointArn: rp, Metadata: { targetTableName: 'x-restored' } }),
      ),
    ).rejects.toMatchObject({ name: 'MissingParameterValueException' });

    // Act: a restore onto an existing table, and one under the restore fault
    const onExisting = await env.west.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: rp,
        IamRoleArn: ROLE,
        Metadata: { targetTableName: 'payments-ledger' },
      }),
    );
    env.cloud.backup.failRestoreJobs('payments-ledger', 'Access denied to KMS key');
    const faulted = await env.west.backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: rp,
        IamRoleArn: ROLE,
        Metadata: { targetTableName: 'restored-2' },
      }),
    );
    env.clock.advance(12 * MINUTE);

    // Assert
    const existing = await env.west.backup.send(
      new DescribeRestoreJobCommand({ RestoreJobId: onExisting.RestoreJobId }),
    );
    expect(existing).toMatchObject({
      Status: 'FAILED',
      StatusMessage: 'Table already exists: payments-ledger',
    });
    const failed = await env.west.backup.send(
      new DescribeRestoreJobCommand({ RestoreJobId: faulted.RestoreJobId }),
    );
    expect(failed).toMatchObject({ Status: 'FAILED', StatusMessage: 'Access denied to KMS key' });
    await expect(
      env.west.dynamodb.send(new DescribeTableCommand({ TableName: 'restored-2' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
