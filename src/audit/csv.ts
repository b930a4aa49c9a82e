import type { AuditEntry } from './types.js';

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), incl. tab and CR. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell: formula-looking text is neutralised with a leading apostrophe, then the cell is
 * quoted per RFC 4180 when it holds a comma, a double quote or a line break (quotes are doubled).
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record with RFC 4180's CRLF line ending. */
export const csvRow = (cells: readonly (string | number | undefined)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;

export const CSV_COLUMNS = [
  'id',
  'at',
  'type',
  'actor',
  'service',
  'executionId',
  'channel',
  'details',
  'writer',
  'day',
  'shard',
  'seq',
  'prevHash',
  'hash',
] as const;

export const csvHeader = (): string => csvRow(CSV_COLUMNS);

export function entryCsvRow(entry: AuditEntry): string {
  return csvRow([
    entry.id,
    entry.at,
    entry.type,
    entry.actor,
    entry.service,
    entry.executionId,
    entry.channel,
    JSON.stringify(entry.details),
    entry.writer,
    entry.day,
    entry.shard,
    entry.seq,
    entry.prevHash,
    entry.hash,
  ]);
}
