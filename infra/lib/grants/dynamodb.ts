import { arn } from '../arns.js';
import type { PolicyStatementSpec } from '../policy-spec.js';
import { type ResourceContext, sid } from './context.js';

/** DynamoDB global table: replica status, the canary item, streams, replica re-creation on failback. */
export function dynamodbStatements(ctx: ResourceContext<'dynamodb-global-table'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const regions = [s.primaryRegion, s.recoveryRegion];
  const tables = regions.map((region) => arn.table(s, region, r.tableName));
  const out: PolicyStatementSpec[] = [
    {
      sid: sid(ctx, 'DynamoRead'),
      actions: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups'],
      resources: tables,
    },
    {
      sid: sid(ctx, 'DynamoStreams'),
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: regions.map((region) => arn.tableStreams(s, region, r.tableName)),
    },
  ];
  if (r.canary?.enabled) {
    out.push({
      sid: sid(ctx, 'DynamoCanary'),
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: tables,
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${r.canary.keyPrefix}*`] } },
    });
  }
  if (ctx.failbackSteps.length > 0) {
    // Re-adding the replica in the old primary Region (UpdateTable on the live replica). DynamoDB
    // requires these item permissions on the new replica so that it can backfill it.
    const target = arn.table(s, s.primaryRegion, r.tableName);
    out.push(
      {
        sid: sid(ctx, 'DynamoFailbackReplica'),
        actions: ['dynamodb:UpdateTable', 'dynamodb:CreateTableReplica'],
        resources: tables,
      },
      {
        sid: sid(ctx, 'DynamoFailbackBackfill'),
        actions: [
          'dynamodb:CreateTable',
          'dynamodb:Scan',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:PutItem',
          'dynamodb:GetItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        resources: [target],
      },
    );
  }
  return out;
}
