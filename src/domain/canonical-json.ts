/**
 * Canonical JSON: object keys sorted by UTF-16 code unit at every depth, undefined members dropped,
 * no whitespace, strings and numbers as JSON.stringify writes them. The input of the plan hash and
 * of every audit hash, so changing it changes both: only on purpose, with a migration note.
 *
 * Written as one pass of string appends (no intermediate entry arrays): audit verification hashes
 * every entry again, and this function was most of its CPU time (docs/audit.md, Benchmark).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array.prototype.join writes it.
      if (i in value) out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as the specification of this format says.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}
