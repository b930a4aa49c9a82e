import { describe, expect, it } from 'vitest';
import { nextEntry } from '../../src/audit/chain.js';
import { CSV_COLUMNS, csvCell, csvRow, entryCsvRow } from '../../src/audit/csv.js';

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line one\nline two', '"line one\nline two"'],
    ['crlf\r\nend', '"crlf\r\nend"'],
  ])('quotes %j per RFC 4180', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', `"'\rCR"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
  ])('neutralises the formula %j with a leading apostrophe', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes numbers as numbers and missing values as empty cells', () => {
    expect(csvRow([1, undefined, 'x'])).toBe('1,,x\r\n');
  });

  it('neutralises an actor or service that starts like a formula in an entry row', () => {
    // Prepare
    const entry = nextEntry(
      undefined,
      { type: 'command', actor: '=1+1', service: '@svc', details: { a: 'b,c' } },
      {
        day: '2026-11-21',
        shard: 0,
        now: Date.UTC(2026, 10, 21),
        writer: 'w',
      },
    );

    // Act
    const row = entryCsvRow(entry);

    // Assert
    expect(row).toContain(",'=1+1,'@svc,,,");
    expect(row).toContain('"{""a"":""b,c""}"');
    expect(row.endsWith('\r\n')).toBe(true);
  });

  it('writes an entry row as csvRow of CSV_COLUMNS, for entries with and without optional fields', () => {
    const odd = ['', 'plain', '=x', 'a,b', 'say "hi"', 'line\nbreak', '-1', '\tT', 'é😀'];
    for (const [i, text] of odd.entries()) {
      const entry = nextEntry(
        undefined,
        {
          type: 'command',
          actor: `${text}A`,
          ...(i % 2 ? { service: text } : {}),
          ...(i % 3 ? { executionId: text } : {}),
          ...(i % 4 ? { channel: text } : {}),
          details: { text, n: i },
        },
        { day: '2026-11-21', shard: i, now: Date.UTC(2026, 10, 21), writer: text },
      );
      const cells = CSV_COLUMNS.map((column) =>
        column === 'details' ? JSON.stringify(entry.details) : entry[column],
      );
      expect(entryCsvRow(entry)).toBe(csvRow(cells));
    }
  });
});
