import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryHash, entryHashInput } from '../../src/audit/canonical.js';
import type { AuditEntry, JsonObject } from '../../src/audit/types.js';
import { canonicalJson } from '../../src/domain/canonical-json.js';

type Body = Omit<AuditEntry, 'id' | 'hash'>;

/** The hashed text as first written: the whole body built as an object and serialised canonically. */
const generic = (entry: Body): string =>
  canonicalJson({
    v: 1,
    day: entry.day,
    shard: entry.shard,
    seq: entry.seq,
    at: entry.at,
    type: entry.type,
    actor: entry.actor,
    service: entry.service,
    executionId: entry.executionId,
    channel: entry.channel,
    details: entry.details,
    writer: entry.writer,
    prevHash: entry.prevHash,
  });

const base: Body = {
  day: '2026-11-20',
  shard: 3,
  seq: 42,
  at: '2026-11-20T01:02:03.004Z',
  type: 'step.outcome',
  actor: 'U0ALICE',
  service: 'pay"ments',
  executionId: 'exec-1',
  details: { z: 'é😀\u2028\n', '10': [1, { b: null, a: -0 }], '9': 1e21, nested: { k: [true, false] } },
  writer: 'replica-a',
  prevHash: 'a'.repeat(64),
};

const details: JsonObject[] = [
  {},
  { step: 'step-3', ok: true, ms: 996 },
  { text: 'quotes " and \\ and \n\t\r and \u0000 \u001f \u2028 \u2029 and é and 😀 and \ud800 lone' },
  { b: { d: [{ y: 1, x: { d: 4, c: 3 } }], c: null }, a: [], '': 'empty', é: 1, e: 2, '10': 1, '9': 2 },
  { n: [0, -1, 1.5, 1e-7, 1e21, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER] },
  { __proto__key: 'x', constructor: 'y', toString: 'z' },
];

/** Varied bodies: every optional member present or absent, odd text in every string field. */
function bodies(): Body[] {
  const out: Body[] = [];
  const odd = ['', 'plain', 'a,b', '="x"', 'line\nbreak', 'é😀', '\\"', '\u0007'];
  for (const [i, d] of details.entries()) {
    for (let mask = 0; mask < 8; mask++) {
      const text = odd[(i + mask) % odd.length] as string;
      const { service: _s, executionId: _e, ...rest } = base;
      out.push({
        ...rest,
        seq: i * 8 + mask + 1,
        shard: mask,
        actor: `${base.actor}${text}`,
        writer: `w${text}`,
        details: d,
        ...(mask & 1 ? { service: text } : {}),
        ...(mask & 2 ? { executionId: `exec-${text}` } : {}),
        ...(mask & 4 ? { channel: `C${text}` } : {}),
      });
    }
  }
  return out;
}

describe('entryHashInput', () => {
  it('is byte for byte the canonical JSON of the whole body, for varied entries', () => {
    const all = bodies();
    expect(all.length).toBe(48);
    for (const body of all) {
      expect(entryHashInput(body)).toBe(generic(body));
      expect(entryHash(body)).toBe(createHash('sha256').update(generic(body), 'utf8').digest('hex'));
    }
  });

  it('drops only undefined members: null and other runtime values serialise as canonicalJson writes them', () => {
    const loose = { ...base, service: null, channel: undefined, seq: Number.NaN } as unknown as Body;
    expect(entryHashInput(loose)).toBe(generic(loose));
  });

  it('gives the hashes entries written before it had (existing logs still verify)', () => {
    // Computed with the generic serialiser and createHash before this change.
    expect(entryHash(base)).toBe('b8ff93f085a34065c51deec4ac23e95daf8a493a0f2a128818504b95e203e98d');
    const { service: _s, executionId: _e, ...bare } = base;
    expect(entryHash(bare)).toBe('b53de3e490b8ca4b9d75db4ad907c90d89e54f9dd7c3b527904344772563643e');
  });
});
