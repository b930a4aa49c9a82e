import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** True when a single-item conditional write lost (its condition did not hold). */
export const lostCondition = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

type ConditionalWrite =
  | { readonly put: PutCommandInput }
  | { readonly update: UpdateCommandInput }
  | { readonly delete: DeleteCommandInput };

/**
 * One single-item conditional write: true if it was applied, false if its condition did not hold.
 * Any other error is thrown.
 */
export async function writeIf(client: DynamoDBDocumentClient, write: ConditionalWrite): Promise<boolean> {
  try {
    if ('put' in write) await client.send(new PutCommand(write.put));
    else if ('update' in write) await client.send(new UpdateCommand(write.update));
    else await client.send(new DeleteCommand(write.delete));
    return true;
  } catch (error) {
    if (lostCondition(error)) return false;
    throw error;
  }
}

/** Deletes an item only if `owner` still holds it (a lease, a once-mark): true if deleted. */
export function deleteIfOwner(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, string>,
  owner: string,
): Promise<boolean> {
  return writeIf(client, {
    delete: {
      TableName: tableName,
      Key: key,
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
    },
  });
}

/** Every item a query matches, page after page. */
export async function* queryAll(
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...query, ExclusiveStartKey: startKey }));
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of one partition (consistent read, all pages), in sort-key order. */
export async function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const item of queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  }))
    items.push(item);
  return items;
}
