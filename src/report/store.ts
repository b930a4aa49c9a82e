import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryPartition, writeIf } from '../adapters/store/ops.js';

/**
 * Recovery reports as archived (`REPORT#<executionId>` / `V#<version>`): the exact Markdown bytes posted, with
 * their SHA-256, which the `report.recovery` audit entry also records (so a changed body no longer matches the
 * hash chain). Written once per version (`attribute_not_exists`): the replica whose write lands posts it.
 * Reports whose health alarms were still in ALARM wait under `REPORTS#PENDING` / `<service>#<executionId>` until
 * the service's incident resolves.
 */
export interface ArchivedReport {
  readonly executionId: string;
  readonly service: string;
  readonly version: number;
  readonly filename: string;
  readonly body: string;
  readonly sha256: string;
  readonly createdAtMs: number;
}

export interface PendingReport {
  readonly service: string;
  readonly executionId: string;
  /** The version whose health alarms were pending. */
  readonly version: number;
  readonly alarms: readonly string[];
}

export interface ReportStore {
  /** True if this call archived the version; false if it was archived already (another replica, a repeat). */
  put(report: ArchivedReport): Promise<boolean>;
  get(executionId: string, version: number): Promise<ArchivedReport | undefined>;
  /** Every archived version of the execution, oldest first. */
  versions(executionId: string): Promise<ArchivedReport[]>;
  markPending(pending: PendingReport): Promise<void>;
  pending(service: string): Promise<PendingReport[]>;
  /** True if this call removed it (the one that then posts the next version). */
  clearPending(service: string, executionId: string): Promise<boolean>;
}

const version = (v: number) => `V#${String(v).padStart(4, '0')}`;
const PENDING = 'REPORTS#PENDING';

const toReport = (item: Record<string, unknown>): ArchivedReport => ({
  executionId: String(item.executionId),
  service: String(item.service),
  version: Number(item.version),
  filename: String(item.filename),
  body: String(item.body),
  sha256: String(item.sha256),
  createdAtMs: Number(item.createdAtMs),
});

export function createReportStore(client: DynamoDBDocumentClient, tableName: string): ReportStore {
  return {
    put: (report) =>
      writeIf(client, {
        put: {
          TableName: tableName,
          Item: { pk: `REPORT#${report.executionId}`, sk: version(report.version), ...report },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    async get(executionId, v) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `REPORT#${executionId}`, sk: version(v) },
          ConsistentRead: true,
        }),
      );
      return Item ? toReport(Item) : undefined;
    },
    async versions(executionId) {
      return (await queryPartition(client, tableName, `REPORT#${executionId}`)).map(toReport);
    },
    async markPending(p) {
      await writeIf(client, {
        put: {
          TableName: tableName,
          Item: { pk: PENDING, sk: `${p.service}#${p.executionId}`, ...p, alarms: [...p.alarms] },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    },
    async pending(service) {
      return (await queryPartition(client, tableName, PENDING))
        .filter((item) => item.service === service)
        .map((item) => ({
          service: String(item.service),
          executionId: String(item.executionId),
          version: Number(item.version),
          alarms: Array.isArray(item.alarms) ? item.alarms.map(String) : [],
        }));
    },
    clearPending: (service, executionId) =>
      writeIf(client, {
        delete: {
          TableName: tableName,
          Key: { pk: PENDING, sk: `${service}#${executionId}` },
          ConditionExpression: 'attribute_exists(pk)',
        },
      }),
  };
}
