import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * Lifeboat's own durable state: executions, approvals, leases, audit. One table with string
 * `pk`/`sk`, expiring items through TTL on `expiresAt`; it outlives the stack (RETAIN and
 * deletion protection) because the audit trail must survive a redeploy. Its stream (keys and both
 * images) feeds the audit tamper watch (src/audit/tamper-watch.ts).
 */
export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: 'expiresAt',
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
  }

  /** Only the item calls the stores make (single-item conditional writes and queries). */
  grantStores(grantee: iam.IGrantable): void {
    this.table.grant(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:DescribeTable',
    );
    // Audit items are append-only (conditional PutItem): the bot may never update or delete one.
    // dynamodb:LeadingKeys is the item's partition key (DynamoDB fine-grained access control).
    // An overwriting PutItem cannot be told apart by IAM: the tamper watch reports it as a MODIFY.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DenyAuditItemUpdateDelete',
        effect: iam.Effect.DENY,
        actions: [
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:PartiQLUpdate',
          'dynamodb:PartiQLDelete',
        ],
        resources: [this.table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
      }),
    );
  }

  /** The tamper watch reads the table's own stream (DescribeTable gives its current ARN). */
  grantStreamRead(grantee: iam.IGrantable): void {
    const streamArn = this.table.tableStreamArn;
    if (!streamArn) throw new Error('the state table has no stream');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditTamperWatchStream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
        resources: [streamArn],
      }),
    );
  }
}
