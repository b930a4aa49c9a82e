import { type AttributeValue, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The audit log's bulk read path (export, verify, archive of up to millions of entries). It sends the
 * table-level Query (`@aws-sdk/client-dynamodb`) through the shared client and decodes the answer's
 * attribute values itself, instead of the DocumentClient's generic unmarshalling (a third of the
 * process's CPU per entry, docs/audit.md "A million entries"). An audit item holds strings and
 * numbers only; the decoder also reads maps, lists, booleans and nulls like the DocumentClient, and
 * reports any other type (sets, binary) as unreadable instead of guessing: the verifier then names
 * the entry as malformed. It decodes, it never repairs: what parseEntry() checks is unchanged.
 */

export type Decoded = string | number | boolean | null | Decoded[] | { [key: string]: Decoded };

export class UndecodableAttribute extends Error {}

/** One attribute value as the DocumentClient would give it (numbers as JavaScript numbers). */
export function decodeValue(value: AttributeValue): Decoded {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) {
    // As the DocumentClient: a number JavaScript cannot hold exactly is not read as a nearby one.
    const n = Number(value.N);
    if (!Number.isFinite(n) || Math.abs(n) > Number.MAX_SAFE_INTEGER)
      throw new UndecodableAttribute(`the number ${value.N.slice(0, 40)} cannot be held exactly`);
    return n;
  }
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return decodeItem(value.M);
  if (value.L !== undefined) return value.L.map(decodeValue);
  throw new UndecodableAttribute(`an attribute of type ${Object.keys(value).join('/')} is not expected here`);
}

export function decodeItem(item: Record<string, AttributeValue>): { [key: string]: Decoded } {
  const out: { [key: string]: Decoded } = {};
  for (const key of Object.keys(item)) out[key] = decodeValue(item[key] as AttributeValue);
  return out;
}

/** A decoded item, or why it could not be decoded (with its key, to say where). */
export type RawItem =
  | { readonly item: { [key: string]: Decoded } }
  | { readonly pk: string; readonly sk: string; readonly problem: string };

function decodeRaw(raw: Record<string, AttributeValue>): RawItem {
  try {
    return { item: decodeItem(raw) };
  } catch (error) {
    if (!(error instanceof UndecodableAttribute)) throw error;
    return { pk: raw.pk?.S ?? '?', sk: raw.sk?.S ?? '?', problem: error.message };
  }
}

/** Expression values to the table-level form (strings only: the audit queries use no other). */
const attributeValues = (values: Record<string, string>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { S: v }]));

export interface ItemQuery {
  readonly tableName: string;
  readonly keyCondition: string;
  readonly values: Record<string, string>;
  readonly names?: Record<string, string>;
  readonly filter?: string;
  readonly limit: number;
  readonly consistent: boolean;
}

/**
 * Query pages, fetching the next page while the caller works through the current one (at most two
 * pages in memory), each item decoded on its own (one bad item does not stop the read).
 */
export async function* queryItems(client: DynamoDBDocumentClient, query: ItemQuery): AsyncGenerator<RawItem> {
  const input: QueryCommandInput = {
    TableName: query.tableName,
    KeyConditionExpression: query.keyCondition,
    ExpressionAttributeValues: attributeValues(query.values),
    Limit: query.limit,
    ConsistentRead: query.consistent,
    ...(query.names ? { ExpressionAttributeNames: query.names } : {}),
    ...(query.filter ? { FilterExpression: query.filter } : {}),
  };
  const fetch = (startKey: Record<string, AttributeValue> | undefined) =>
    client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
  let next: ReturnType<typeof fetch> | undefined = fetch(undefined);
  while (next) {
    const page: Awaited<ReturnType<typeof fetch>> = await next;
    next = page.LastEvaluatedKey ? fetch(page.LastEvaluatedKey) : undefined;
    next?.catch(() => undefined);
    for (const raw of page.Items ?? []) yield decodeRaw(raw);
  }
}
