import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../adapters/store/ops.js';

/**
 * The executions that may still need driving, so a restarted replica finds them without a Scan or
 * an index: one item per execution under the partition `EXECS#ACTIVE` (sk = execution id). Added
 * when a request is made (or first driven), removed once the execution is terminal. Entries are
 * hints: the execution item itself is the truth, and stale entries are pruned by `resumeAll`.
 */
export interface ActiveIndex {
  add(executionId: string): Promise<void>;
  remove(executionId: string): Promise<void>;
  list(): Promise<string[]>;
}

export const ACTIVE_PARTITION = 'EXECS#ACTIVE';

export function createDynamoActiveIndex(client: DynamoDBDocumentClient, tableName: string): ActiveIndex {
  return {
    async add(executionId) {
      // Idempotent: the same item each time, no condition needed.
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: ACTIVE_PARTITION, sk: executionId, executionId },
        }),
      );
    },
    async remove(executionId) {
      await client.send(
        new DeleteCommand({ TableName: tableName, Key: { pk: ACTIVE_PARTITION, sk: executionId } }),
      );
    },
    async list() {
      const items = await queryPartition(client, tableName, ACTIVE_PARTITION);
      return items.flatMap((item) => (typeof item.sk === 'string' ? [item.sk] : []));
    },
  };
}

/** Only what this process tracked: for tests and for deployments that never restart mid-execution. */
export function createMemoryActiveIndex(): ActiveIndex {
  const ids = new Set<string>();
  return {
    add: async (id) => void ids.add(id),
    remove: async (id) => void ids.delete(id),
    list: async () => [...ids],
  };
}
