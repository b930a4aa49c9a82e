import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/**
 * One bucket for the stack's access records: the load balancer's access logs (`alb/`), the VPC flow
 * logs (`vpc-flow-logs/`) and the audit archive's S3 server access logs (`audit-archive/`).
 * SSE-S3, because ALB access logs support no other encryption; kept when the stack is deleted.
 */
export class AccessLogs extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { readonly retainDays?: number } = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.retainDays ?? 400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'this is the server-access-log destination of the stack; logging it into itself would log its own log deliveries, and AWS advises against a bucket logging to itself',
    );
  }
}
