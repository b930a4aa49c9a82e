import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AuditArchiveProps {
  /** Object Lock default retention; the bot also sets it per object (AUDIT_ARCHIVE_LOCK). */
  readonly lock: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retainDays: number };
}

/**
 * Where the daily audit archive goes (JSON Lines per day), so the log outlives the table: versioned,
 * Object Lock on, encrypted, private, TLS only, and kept when the stack is deleted.
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
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.lockSetting = `${props.lock.mode}:${props.lock.retainDays}`;
  }

  /** Write new archive objects (and read them back for verification); never delete. */
  grantArchiver(grantee: iam.IGrantable): void {
    this.bucket.grantPut(grantee, 'lifeboat/audit/*');
    this.bucket.grantRead(grantee, 'lifeboat/audit/*');
  }
}
