import { parseDuration } from '../plan/schema.js';

/** Strict `--name value` / `--name=value` parsing for /dr audit and /dr report. */

export type FlagKind = 'time' | 'duration' | 'id' | readonly string[];
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export type FlagValues = Readonly<Record<string, string | number>>;

export type FlagResult =
  | { readonly ok: true; readonly values: FlagValues }
  | { readonly ok: false; readonly error: string };

const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * A time flag: an ISO 8601 date (midnight UTC) or date-time with zone, or a duration ago
 * ("7d", "24h"). Returns epoch ms or undefined when invalid.
 */
export function parseTime(text: string, now: number): number | undefined {
  if (ISO.test(text)) {
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const ago = parseDuration(text);
  return ago === undefined ? undefined : now - ago;
}

export function parseFlags(tokens: readonly string[], spec: FlagSpec, now: number): FlagResult {
  const values: Record<string, string | number> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(token);
    if (!match) return { ok: false, error: `unexpected argument "${token}"` };
    const name = match[1] as string;
    const kind = spec[name];
    if (kind === undefined) return { ok: false, error: `unknown flag --${name}` };
    if (name in values) return { ok: false, error: `--${name} given twice` };
    let raw = match[2];
    if (raw === undefined) {
      raw = tokens[i + 1];
      i++;
    }
    if (raw === undefined || raw === '' || raw.startsWith('--'))
      return { ok: false, error: `--${name} needs a value` };
    const value = parseValue(raw, kind, now);
    if (value === undefined) return { ok: false, error: `--${name}: ${describe(kind)}, got "${raw}"` };
    values[name] = value;
  }
  return { ok: true, values };
}

function parseValue(raw: string, kind: FlagKind, now: number): string | number | undefined {
  if (kind === 'time') return parseTime(raw, now);
  if (kind === 'duration') {
    const ms = parseDuration(raw);
    return ms !== undefined && ms > 0 ? ms : undefined;
  }
  if (kind === 'id') return ID.test(raw) ? raw : undefined;
  return kind.includes(raw) ? raw : undefined;
}

function describe(kind: FlagKind): string {
  if (kind === 'time')
    return 'expected an ISO date such as 2026-11-01 or 2026-11-01T09:00:00Z, or a duration ago such as 7d';
  if (kind === 'duration') return 'expected a duration such as 30d or 12h';
  if (kind === 'id') return 'expected a service name (lowercase letters, digits, dashes)';
  return `expected one of ${kind.join(', ')}`;
}
