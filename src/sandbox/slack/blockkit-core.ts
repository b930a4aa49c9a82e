/**
 * Shared plumbing for the Block Kit validator: a problem collector, JSON-pointer helpers and the primitive
 * checks (string lengths, arrays, booleans, enums, unknown properties).
 *
 * Messages mimic Slack's `response_metadata.messages`, e.g.
 * `[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]`. Wordings observed in real Slack
 * responses (quoted in public issue trackers) are used where known:
 *  - "must be less than N characters", "must be more than 0 characters" (F3-Nation/archive-f3-nation-slack-bot#42)
 *  - "no more than N items allowed" (grafana oncall#210, adobe/spacecat-api-service#176, incidentbot#328)
 *  - "must provide a string|an object|an array" (slackapi/java-slack-sdk#853), "must be a boolean"
 *    (nicklambourne/slackblocks#58)
 *  - "invalid additional property: X" (slackapi/bolt-js#1891, nicklambourne/slackblocks#36)
 *  - "must define either `text` or `fields`" (slackapi/java-slack-sdk#1017)
 * Other wordings (missing fields, duplicates, enums, surfaces) are ours, in the same style.
 */

export type Json = Record<string, unknown>;

/** Where a blocks array is shown: a message, a modal view or an App Home view. */
export type Surface = 'message' | 'modal' | 'home';

/** Collects problems while walking a payload. */
export interface Ctx {
  readonly problems: string[];
}

export function newCtx(): Ctx {
  return { problems: [] };
}

export function report(ctx: Ctx, message: string, pointer: string): void {
  ctx.problems.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
}

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends one reference token to a JSON pointer (RFC 6901 escaping of `~` and `/`). */
export function at(pointer: string, token: string | number): string {
  const escaped = String(token).replaceAll('~', '~0').replaceAll('/', '~1');
  return `${pointer}/${escaped}`;
}

/**
 * The object at `pointer` with its type and that type's spec, or undefined after reporting why not: not an
 * object, no string `type`, a type without a spec, or one `allowed` refuses (`where` names the place then).
 */
export function typedObject<S>(
  ctx: Ctx,
  value: unknown,
  pointer: string,
  specs: Readonly<Record<string, S>>,
  allowed: (type: string, spec: S) => boolean,
  where: string,
): { readonly object: Json; readonly type: string; readonly spec: S } | undefined {
  if (!isRecord(value)) {
    report(ctx, 'must provide an object', pointer);
    return undefined;
  }
  const type = value.type;
  if (typeof type !== 'string') {
    report(ctx, 'missing required field: type', pointer);
    return undefined;
  }
  const spec = specs[type];
  if (!spec) {
    report(ctx, `unsupported type: ${type}`, at(pointer, 'type'));
    return undefined;
  }
  if (!allowed(type, spec)) {
    report(ctx, `unsupported type: ${type} (not allowed in ${where})`, at(pointer, 'type'));
    return undefined;
  }
  return { object: value, type, spec };
}

/** Reports every property of `obj` that is not in `allowed` (Slack rejects unknown properties). */
export function checkKeys(ctx: Ctx, obj: Json, allowed: readonly string[], pointer: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) report(ctx, `invalid additional property: ${key}`, pointer);
  }
}

export interface StringRule {
  readonly required?: boolean;
  /** Maximum length in characters (inclusive). */
  readonly max?: number;
  /** Minimum length in characters (inclusive). */
  readonly min?: number;
}

/** Length as Slack counts it: in characters (code points), not UTF-16 units. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** Checks `obj[key]` is a string within bounds; returns it when it is a string. */
export function checkString(
  ctx: Ctx,
  obj: Json,
  key: string,
  pointer: string,
  rule: StringRule = {},
): string | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (rule.required) report(ctx, `missing required field: ${key}`, pointer);
    return undefined;
  }
  const here = at(pointer, key);
  if (typeof value !== 'string') {
    report(ctx, 'must provide a string', here);
    return undefined;
  }
  checkLength(ctx, value, here, rule);
  return value;
}

export function checkLength(ctx: Ctx, value: string, pointer: string, rule: StringRule): void {
  const length = charLength(value);
  if (rule.max !== undefined && length > rule.max) {
    report(ctx, `must be less than ${rule.max + 1} characters`, pointer);
  }
  if (rule.min !== undefined && length < rule.min) {
    report(ctx, `must be more than ${rule.min - 1} characters`, pointer);
  }
}

export function checkBoolean(ctx: Ctx, obj: Json, key: string, pointer: string, required = false): void {
  const value = obj[key];
  if (value === undefined) {
    if (required) report(ctx, `missing required field: ${key}`, pointer);
    return;
  }
  if (typeof value !== 'boolean') report(ctx, 'must be a boolean', at(pointer, key));
}

export function checkInteger(
  ctx: Ctx,
  obj: Json,
  key: string,
  pointer: string,
  bounds: { readonly min?: number; readonly max?: number } = {},
): void {
  const value = obj[key];
  if (value === undefined) return;
  const here = at(pointer, key);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    report(ctx, 'must provide an integer', here);
    return;
  }
  if (bounds.min !== undefined && value < bounds.min) report(ctx, `must be at least ${bounds.min}`, here);
  if (bounds.max !== undefined && value > bounds.max) report(ctx, `must be at most ${bounds.max}`, here);
}

export function checkEnum<T extends string>(
  ctx: Ctx,
  obj: Json,
  key: string,
  pointer: string,
  values: readonly T[],
  required = false,
): T | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (required) report(ctx, `missing required field: ${key}`, pointer);
    return undefined;
  }
  const match = values.find((candidate) => candidate === value);
  if (match === undefined) report(ctx, `must be one of: ${values.join(', ')}`, at(pointer, key));
  return match;
}

export interface ArrayRule {
  readonly required?: boolean;
  readonly max?: number;
  readonly min?: number;
}

/** Checks `obj[key]` is an array within bounds; returns it when it is an array. */
export function checkArray(
  ctx: Ctx,
  obj: Json,
  key: string,
  pointer: string,
  rule: ArrayRule = {},
): unknown[] | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (rule.required) report(ctx, `missing required field: ${key}`, pointer);
    return undefined;
  }
  return checkArrayValue(ctx, value, at(pointer, key), rule);
}

export function checkArrayValue(
  ctx: Ctx,
  value: unknown,
  pointer: string,
  rule: ArrayRule = {},
): unknown[] | undefined {
  if (!Array.isArray(value)) {
    report(ctx, 'must provide an array', pointer);
    return undefined;
  }
  if (rule.max !== undefined && value.length > rule.max) {
    report(ctx, `no more than ${rule.max} items allowed`, pointer);
  }
  if (rule.min !== undefined && value.length < rule.min) {
    report(ctx, `must provide at least ${rule.min} items`, pointer);
  }
  return value;
}

/** Returns `value` as an object, reporting "must provide an object" otherwise. */
export function asObject(ctx: Ctx, value: unknown, pointer: string): Json | undefined {
  if (isRecord(value)) return value;
  report(ctx, 'must provide an object', pointer);
  return undefined;
}

/** Checks `obj[key]` is an object; returns it when present and an object. */
export function checkObject(
  ctx: Ctx,
  obj: Json,
  key: string,
  pointer: string,
  required = false,
): Json | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (required) report(ctx, `missing required field: ${key}`, pointer);
    return undefined;
  }
  return asObject(ctx, value, at(pointer, key));
}
