import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, unknown>;

export async function readBody(req: IncomingMessage, limitBytes = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limitBytes) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a Web API request body the way Slack accepts it: form-encoded, JSON or multipart. */
export async function parseParams(
  contentType: string | undefined,
  body: Buffer,
  query: URLSearchParams,
): Promise<Params | undefined> {
  const params: Params = Object.fromEntries(query.entries());
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return params;
  if (type.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      return { ...params, ...(parsed as Params) };
    } catch {
      return undefined;
    }
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://emulator.local/', {
      method: 'POST',
      headers: { 'content-type': contentType ?? '' },
      body,
    }).formData();
    for (const [key, value] of form.entries()) {
      params[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    }
    return params;
  }
  for (const [key, value] of new URLSearchParams(body.toString('utf8')).entries()) params[key] = value;
  return params;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain',
): void {
  res.writeHead(status, { 'content-type': `${contentType}; charset=utf-8` });
  res.end(body);
}

/** A string parameter, or undefined when absent or empty. */
export function str(params: Params, key: string): string | undefined {
  const v = params[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function bool(params: Params, key: string): boolean {
  const v = params[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

export function int(params: Params, key: string): number | undefined {
  const v = params[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/**
 * A JSON parameter that form-encoded callers send as a string. Returns `{ value }`, or undefined when the
 * string does not parse.
 */
export function jsonParam(params: Params, key: string): { value: unknown } | undefined {
  const v = params[key];
  if (typeof v !== 'string') return { value: v };
  if (v === '') return { value: undefined };
  try {
    return { value: JSON.parse(v) as unknown };
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
