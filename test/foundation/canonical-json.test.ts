import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/canonical-json.js';

/** The format as first written (entries sorted, mapped and joined): every plan and audit hash depends on it. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('canonicalJson', () => {
  const values: unknown[] = [
    null,
    undefined,
    true,
    0,
    -0,
    1e21,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    'plain',
    'quotes " and \\ and \n and \u2028 and é and 😀',
    [],
    {},
    [1, undefined, null, 'x', { b: 1, a: 2 }],
    // biome-ignore lint/suspicious/noSparseArray: a hole must be written as the first format wrote it
    [1, , 3],
    { z: 1, a: undefined, B: 2, b: [{ y: 1, x: { d: 4, c: 3 } }], '': 'empty', é: 1, e: 2, '10': 1, '9': 2 },
    {
      details: {
        reason: 'Threshold Crossed: 1 datapoint [3.0] was greater than 2.0',
        nested: { k: [true, false] },
      },
    },
    new Date(0),
    { f: () => 1, s: Symbol('x') },
  ];

  it('writes exactly what the first format wrote, for every kind of value', () => {
    for (const value of values) expect(canonicalJson(value)).toBe(reference(value));
  });

  it('sorts keys by UTF-16 code unit and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: undefined, A: [2, { d: 1, c: 2 }] })).toBe(
      '{"A":[2,{"c":2,"d":1}],"b":1}',
    );
  });
});
