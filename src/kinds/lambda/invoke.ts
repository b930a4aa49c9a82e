import type { FunctionConfiguration, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { RegionClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { Facts } from '../../runbook/executors/types.js';
import type { Run } from '../autoscaling/groups.js';

/** Invoke's payload quota for synchronous invocations, request and response alike (Lambda quotas). */
export const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/** How much of the function's answer a step keeps and shows (the card's line is bounded again). */
export const EXCERPT_CHARS = 200;
/** The longest a function may run (Lambda quotas: timeout up to 900 s): a step's budget never needs more. */
export const MAX_FUNCTION_MS = 900_000;

/** Who and what a step's invocation belongs to: the `lifeboat` part of the event the function receives. */
export interface InvocationContext {
  readonly executionId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly service: string;
  readonly direction: 'failover' | 'failback';
  readonly mode: string;
  readonly sourceRegion: string;
  readonly targetRegion: string;
  readonly functionRegion: string;
  readonly requestedBy: string | null;
  readonly approvedBy: readonly string[];
}

/**
 * The same for every attempt of a step in an execution: a function that honours it (stores the key with its
 * result and answers a repeated key from the store) runs at most once per execution and step even when a person
 * retries an invocation whose outcome was lost (docs/plan.md, "lambda-invoke").
 */
export const idempotencyKey = (c: Pick<InvocationContext, 'executionId' | 'stepId'>): string =>
  `lifeboat:${c.executionId}:${c.stepId}`;

/** The event: `{ lifeboat: {…context, idempotencyKey}, input: {…the step's input} }` as UTF-8 JSON. */
export function invocationPayload(
  c: InvocationContext,
  input: Readonly<Record<string, unknown>> = {},
): string {
  return JSON.stringify({ lifeboat: { ...c, idempotencyKey: idempotencyKey(c) }, input });
}

const oneLine = (s: string, max: number): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/**
 * What an invocation answered, as facts a step keeps: the status code, the function error (Invoke's
 * X-Amz-Function-Error, "Unhandled") with the error type and message from the payload, and an excerpt of the payload.
 */
export function invocationFacts(
  out: Pick<InvokeCommandOutput, 'StatusCode' | 'FunctionError' | 'Payload' | 'ExecutedVersion'>,
): Facts {
  const bytes = out.Payload ?? new Uint8Array();
  const body = new TextDecoder().decode(bytes);
  let errorType: string | null = null;
  let errorMessage: string | null = null;
  if (out.FunctionError) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === 'object' && parsed !== null) {
        const p = parsed as { errorType?: unknown; errorMessage?: unknown };
        if (typeof p.errorType === 'string') errorType = oneLine(p.errorType, 100);
        if (typeof p.errorMessage === 'string') errorMessage = oneLine(p.errorMessage, 300);
      }
    } catch {
      // Not JSON: the excerpt below shows what it is.
    }
  }
  return {
    statusCode: out.StatusCode ?? null,
    functionError: out.FunctionError ?? null,
    errorType,
    errorMessage,
    payloadBytes: bytes.byteLength,
    excerpt: oneLine(body, EXCERPT_CHARS),
    executedVersion: out.ExecutedVersion ?? null,
  };
}

/**
 * One line for a person about a recorded invocation (the runbook card, the step's outcome), short enough that
 * the card's 300 characters keep what to do next after it: the error message and the excerpt are cut to 150.
 */
export function resultText(f: Facts, fn: string, region: string): string {
  const cut = (v: unknown) => (typeof v === 'string' && v !== '' ? oneLine(v, 150) : undefined);
  const head = `${fn} in ${region} answered ${f.statusCode ?? 'no status'}`;
  const excerpt = cut(f.excerpt) ? `; payload: ${cut(f.excerpt)}` : '';
  if (!f.functionError) return `${head}${excerpt}`;
  const what = [cut(f.errorType), cut(f.errorMessage)].filter((x) => x !== undefined).join(': ');
  return `${head} with FunctionError ${f.functionError}${what ? ` (${what})` : excerpt}`;
}

/**
 * The function's configuration, or undefined when Lambda says it does not exist (GetFunction answers
 * ResourceNotFoundException, 404).
 */
export async function getFunction(
  run: Run,
  clients: RegionClients,
  name: string,
): Promise<FunctionConfiguration | undefined> {
  try {
    const out = await run('lambda:GetFunction', (abortSignal) =>
      clients.lambda.send(new (sdk.lambda().GetFunctionCommand)({ FunctionName: name }), { abortSignal }),
    );
    return out.Configuration;
  } catch (error) {
    const name =
      (error as { awsName?: unknown; name?: unknown }).awsName ?? (error as { name?: unknown }).name;
    if (name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Whether the configuration can be invoked now, and in words why not (Lambda function states). */
export function invocable(c: FunctionConfiguration): { ok: boolean; wait: boolean; text: string } {
  const text = `State ${c.State ?? 'unknown'}, LastUpdateStatus ${c.LastUpdateStatus ?? 'unknown'}`;
  if (c.State === 'Pending' || c.LastUpdateStatus === 'InProgress') return { ok: false, wait: true, text };
  // A failed update leaves the previous code and configuration running (Lambda function states): invocable.
  return { ok: c.State === 'Active', wait: false, text };
}
