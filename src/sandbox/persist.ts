/**
 * Plain JSON for the sandbox's saved world (`npm start -- --keep`): Maps, Sets and byte buffers survive a round
 * trip, and `replaceInto` writes a decoded value into an existing object graph in place (the simulated cloud's
 * containers are shared by reference and partly readonly at the top).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function encode(value: unknown): Json {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { $set: [...value].map(encode) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (isObject(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value))
      if (v !== undefined && typeof v !== 'function') out[k] = encode(v);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return null;
}

export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (!isObject(value)) return value;
  if (Array.isArray(value.$map))
    return new Map((value.$map as unknown[][]).map(([k, v]) => [decode(k), decode(v)] as const));
  if (Array.isArray(value.$set)) return new Set(value.$set.map(decode));
  if (typeof value.$bytes === 'string') return Buffer.from(value.$bytes, 'base64');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decode(v);
  return out;
}

/**
 * Replaces the contents of `target` (a Map, Set, array or plain object) with `source`'s, keeping `target`'s
 * identity; plain objects are replaced key by key, recursively for nested containers.
 */
export function replaceInto(target: unknown, source: unknown): void {
  if (target instanceof Map && source instanceof Map) {
    target.clear();
    for (const [k, v] of source) target.set(k, v);
  } else if (target instanceof Set && source instanceof Set) {
    target.clear();
    for (const v of source) target.add(v);
  } else if (Array.isArray(target) && Array.isArray(source)) {
    target.splice(0, target.length, ...source);
  } else if (isObject(target) && isObject(source)) {
    for (const [k, v] of Object.entries(source)) {
      const current = target[k];
      if (current instanceof Map || current instanceof Set || Array.isArray(current) || isObject(current))
        replaceInto(current, v);
      else target[k] = v;
    }
  }
}
