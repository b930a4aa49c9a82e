import * as table from '@aws-sdk/client-dynamodb';
import * as items from '@aws-sdk/lib-dynamodb';
import type { StateEndpoint } from './client.js';

/**
 * What the main thread and the DynamoDB thread (dynamo-thread.ts, dynamo-worker.ts) say to each
 * other. A command crosses as its class name and its input (plain data: structured clone keeps
 * Sets, Uint8Arrays and nested objects), the answer as the output or a description of the error.
 */

/** The commands the thread runs: the DocumentClient's item commands and the table commands. */
export const THREAD_COMMANDS = {
  BatchGetCommand: items.BatchGetCommand,
  BatchWriteCommand: items.BatchWriteCommand,
  DeleteCommand: items.DeleteCommand,
  GetCommand: items.GetCommand,
  PutCommand: items.PutCommand,
  QueryCommand: items.QueryCommand,
  ScanCommand: items.ScanCommand,
  TransactGetCommand: items.TransactGetCommand,
  TransactWriteCommand: items.TransactWriteCommand,
  UpdateCommand: items.UpdateCommand,
  // The table-level Query: the audit log's bulk read decodes attribute values itself (src/audit/dynamo-read.ts).
  TableQueryCommand: table.QueryCommand,
  CreateTableCommand: table.CreateTableCommand,
  DeleteTableCommand: table.DeleteTableCommand,
  DescribeTableCommand: table.DescribeTableCommand,
  DescribeTimeToLiveCommand: table.DescribeTimeToLiveCommand,
  UpdateTableCommand: table.UpdateTableCommand,
  UpdateTimeToLiveCommand: table.UpdateTimeToLiveCommand,
} as const;

export type ThreadCommandName = keyof typeof THREAD_COMMANDS;

export const isThreadCommandName = (name: string): name is ThreadCommandName =>
  Object.hasOwn(THREAD_COMMANDS, name);

export interface ThreadInit {
  readonly state: StateEndpoint;
}

export type ToThread =
  | {
      readonly kind: 'send';
      readonly id: number;
      readonly command: ThreadCommandName;
      readonly input: unknown;
    }
  | { readonly kind: 'abort'; readonly id: number };

/** An error as it crossed: enough to rebuild the SDK's exception class (`instanceof` keeps working). */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  /** The service exception's own fields ($fault, $metadata, CancellationReasons, Item, …). */
  readonly fields: Record<string, unknown>;
}

/** One call's answer. */
export type ThreadAnswer =
  | { readonly kind: 'ok'; readonly id: number; readonly output: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly error: ThreadError };

/** Answers, or that the thread has loaded its SDK client (it takes commands without waiting for it). */
export type FromThread = ThreadAnswer | { readonly kind: 'loaded' };

/**
 * Messages go in batches, one post per event-loop turn: each post wakes the other thread, and on a
 * virtual machine a wake-up across cores costs far more than cloning the message. A message that
 * structured clone refuses (a function or a Symbol in an input) would fail the whole post, thrown
 * where no caller catches it and leaving the rest of the batch unanswered; the batch is then posted
 * one message at a time, in order, and each refused message goes to `refused` with the error.
 */
export function createBatcher<T>(
  post: (batch: T[]) => void,
  refused: (message: T, error: unknown) => void,
): (message: T) => void {
  let batch: T[] = [];
  const flush = () => {
    const out = batch;
    batch = [];
    try {
      post(out);
    } catch {
      for (const message of out) {
        try {
          post([message]);
        } catch (error) {
          refused(message, error);
        }
      }
    }
  };
  return (message) => {
    if (batch.length === 0) setImmediate(flush);
    batch.push(message);
  };
}

/** An error's name, message and own enumerable fields, cloneable. */
export function describeError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || typeof value === 'function') continue;
    fields[key] = value;
  }
  return { name: error.name, message: error.message, fields: structuredCloneable(fields) };
}

/** Drops what structured clone refuses (it would fail the whole answer). */
function structuredCloneable(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    try {
      out[key] = structuredClone(value);
    } catch {
      // e.g. a response object with sockets: not needed to rebuild the error.
    }
  }
  return out;
}
