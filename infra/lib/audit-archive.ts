import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, nagRef } from './nag.js';

/** The key prefix the bot writes under: daily archives and hourly chain-head anchors (src/audit/anchor.ts). */
export const AUDIT_ARCHIVE_PREFIX = 'lifeboat/audit/';

export interface AuditArchiveProps {
  /** Object Lock default retention; the bot also sets it per object (AUDIT_ARCHIVE_LOCK). */
  readonly lock: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retainDays: number };
  /** Where S3 server access logs of the archive go (cdk-nag AwsSolutions-S1). */
  readonly accessLogs: s3.IBucket;
}

/**
 * Where the daily audit archive and the hourly anchors go (JSON Lines per day, one small JSON per
 * anchor), so the log outlives the table and a rewrite of the table shows: versioned, Object Lock
 * on (COMPLIANCE by default: nobody, not even the account root, can shorten it), encrypted, private,
 * TLS only, server access logs, kept when the stack is deleted, and write-once by bucket policy.
 */
export class AuditArchive extends Construct {
  readonly bucket: s3.Bucket;
  readonly lockSetting: string;

  constructor(scope: Construct, id: string, props: AuditArchiveProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        props.lock.mode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(Duration.days(props.lock.retainDays))
          : s3.ObjectLockRetention.governance(Duration.days(props.lock.retainDays)),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'audit-archive/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Write-once even for the bot's own role: a PutObject without If-None-Match (which could put a new,
    // current version over an archived day in a versioned bucket) is refused. The condition keys are
    // documented in https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOverwritingArchiveObjects',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    this.lockSetting = `${props.lock.mode}:${props.lock.retainDays}`;
  }

  /**
   * Write new archive objects with their retention and read them back for verification; never
   * delete, never overwrite (If-None-Match), never change a retention.
   */
  grantArchiver(role: iam.Role): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditArchiveWriteRead',
        // PutObjectRetention: a PutObject that sets ObjectLockMode/RetainUntilDate needs it (S3 Object Lock).
        actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'],
        resources: [this.bucket.arnForObjects(`${AUDIT_ARCHIVE_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditArchiveList',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${AUDIT_ARCHIVE_PREFIX}*`] } },
      }),
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${nagRef(this.bucket, 'Arn')}/${AUDIT_ARCHIVE_PREFIX}*]`,
      'one object per archived day and per hourly anchor, keyed by date: the keys exist only once written; never deleted or overwritten',
    );
  }
}
