import { describe, expect, it } from 'vitest';
import { createUnitsAccount, itemSize } from '../../bench/dynamo-units.js';

describe('DynamoDB capacity accounting of the benchmarks (bench/dynamo-units.ts)', () => {
  it('sizes items as the DynamoDB developer guide says', () => {
    // Strings: name + UTF-8 bytes; numbers: name + 1 byte per two significant digits + 1; Boolean/null: name + 1.
    expect(itemSize({ pk: { S: 'AUDIT#x' } })).toBe(2 + 7);
    expect(itemSize({ seq: { N: '12345' } })).toBe(3 + 3 + 1);
    expect(itemSize({ n: { N: '-0.00120' } })).toBe(1 + 1 + 1);
    expect(itemSize({ ok: { BOOL: true }, no: { NULL: true } })).toBe(2 + 1 + 2 + 1);
    expect(itemSize({ é: { S: 'é' } })).toBe(2 + 2);
    // List/Map: 3 bytes + 1 per element + the elements (map keys included).
    expect(itemSize({ m: { M: { a: { S: 'xy' } } } })).toBe(1 + 3 + 1 + 1 + 2);
    expect(itemSize({ l: { L: [{ N: '1' }, { S: '' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 0));
  });

  it('counts write units per KB and read units per 4 KB per partition key and second, keeping the peak', () => {
    const account = createUnitsAccount();
    const big = { pk: { S: 'AUDIT#CHAIN#d#0' }, body: { S: 'x'.repeat(2_000) } };
    account.record('PutItem', { Item: big }, {}, 1_000);
    account.record('PutItem', { Item: big }, {}, 1_500);
    account.record('PutItem', { Item: big }, {}, 2_000);
    account.record('GetItem', { Key: { pk: { S: 'INCIDENT#1' } }, ConsistentRead: true }, {}, 1_000);
    account.record(
      'Query',
      { ExpressionAttributeValues: { ':pk': { S: 'AUDIT#CHAIN#d#0' } } },
      { Items: [big, big, big] },
      1_000,
    );
    const report = account.report();
    // Two 2 KB puts in second 1: 2 units each.
    expect(report.peakWrite).toMatchObject({ pk: 'AUDIT#CHAIN#d#0', units: 4, second: 1 });
    // An eventually consistent Query of ~6 KB: 2 units halved; a consistent GetItem that found nothing: 1.
    expect(report.readByPrefix.AUDIT?.units).toBe(1);
    expect(report.readByPrefix.INCIDENT?.units).toBe(1);
    expect(report.largestItem?.bytes).toBe(itemSize(big));
    expect(account.report().calls).toBe(0);
  });
});
