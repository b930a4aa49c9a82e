import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/clock.js';
import type { ApprovalRecord, ExecutionRecord, IncidentRecord } from '../../domain/records.js';
import { createLeaseStore, type LeaseStore } from './leases.js';
import { createOnceMarks, type OnceMarks } from './once.js';
import { writeIf } from './ops.js';
import { createVersionedStore, type VersionedStore } from './versioned.js';

export interface ApprovalStore {
  /** Records one decision per user and execution; false if this user already decided (a double click). */
  record(approval: ApprovalRecord): Promise<boolean>;
  list(executionId: string): Promise<ApprovalRecord[]>;
  /** Notes that the decision's outcome entry is in the audit log (a re-click then appends none); false if absent. */
  markAudited(executionId: string, userId: string, atMs: number): Promise<boolean>;
}

export interface Stores {
  readonly executions: VersionedStore<ExecutionRecord>;
  readonly incidents: VersionedStore<IncidentRecord>;
  readonly approvals: ApprovalStore;
  readonly leases: LeaseStore;
  /** Durable "already done" marks (notices, replies and DMs sent once across replicas and restarts). */
  readonly once: OnceMarks;
}

/** All stores share one DocumentClient and one table (single-table design, keys pk/sk). */
export function createStores(client: DynamoDBDocumentClient, tableName: string, clock: Clock): Stores {
  return {
    executions: createVersionedStore(client, tableName, { pk: (id) => `EXEC#${id}`, sk: 'EXEC' }, clock),
    incidents: createVersionedStore(
      client,
      tableName,
      { pk: (id) => `INCIDENT#${id}`, sk: 'INCIDENT' },
      clock,
    ),
    approvals: createApprovalStore(client, tableName),
    leases: createLeaseStore(client, tableName, clock),
    once: createOnceMarks(client, tableName, clock),
  };
}

function createApprovalStore(client: DynamoDBDocumentClient, tableName: string): ApprovalStore {
  return {
    async record(approval) {
      return writeIf(client, {
        put: {
          TableName: tableName,
          Item: { pk: `EXEC#${approval.executionId}`, sk: `APPROVAL#${approval.userId}`, ...approval },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    },
    async list(executionId) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `EXEC#${executionId}`, ':prefix': 'APPROVAL#' },
          ConsistentRead: true,
        }),
      );
      return Items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as ApprovalRecord);
    },
    async markAudited(executionId, userId, atMs) {
      return writeIf(client, {
        update: {
          TableName: tableName,
          Key: { pk: `EXEC#${executionId}`, sk: `APPROVAL#${userId}` },
          UpdateExpression: 'SET outcomeAuditedAtMs = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': atMs },
        },
      });
    },
  };
}
