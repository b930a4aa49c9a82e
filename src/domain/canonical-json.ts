/**
 * Canonical JSON: object keys sorted by UTF-16 code unit at every depth, undefined members dropped,
 * no whitespace, strings and numbers as JSON.stringify writes them. The input of the plan hash and
 * of every audit hash, so changing it changes both: only on purpose, with a migration note.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
