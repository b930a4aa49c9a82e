/** The audit log's public surface: what the composition root, the scheduler and other features use. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoAuditStore } from './dynamo-store.js';
import { type AuditLogOptions, createAuditLog } from './log.js';
import type { AuditLog } from './types.js';

export { canReadAudit, type UsergroupMembers } from './access.js';
export { type AnchorOptions, type AnchorResult, anchorHeads } from './anchor.js';
export { type ArchiveOptions, type ArchiveResult, archiveDay } from './archive.js';
export { s3ArchiveSource } from './archive-source.js';
export { dayOf } from './chain.js';
export { AuditError, type AuditErrorCode } from './errors.js';
export { type ExportFormat, type ExportSummary, writeExport } from './export.js';
export { type AuditLogOptions, createAuditLog } from './log.js';
export { createMemoryAuditStore } from './memory-store.js';
export type { AuditStore } from './store.js';
export * from './types.js';
export { verifyArchive } from './verify-archive.js';
export { companionWriterId } from './writers.js';

/** The production/sandbox audit log: Lifeboat's single DynamoDB table, items under `AUDIT#…` keys. */
export function createDynamoAuditLog(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: AuditLogOptions,
): AuditLog {
  return createAuditLog(createDynamoAuditStore(client, tableName), options);
}
