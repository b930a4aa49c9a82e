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

/**
 * One entry's record: csvRow() of the CSV_COLUMNS cells, written out without the cell array (this runs
 * per exported entry). shard and seq are integers, which csvCell writes as they are.
 */
export function entryCsvRow(entry: AuditEntry): string {
  return `${csvCell(entry.id)},${csvCell(entry.at)},${csvCell(entry.type)},${csvCell(entry.actor)},${csvCell(entry.service)},${csvCell(entry.executionId)},${csvCell(entry.channel)},${csvCell(JSON.stringify(entry.details))},${csvCell(entry.writer)},${csvCell(entry.day)},${entry.shard},${entry.seq},${csvCell(entry.prevHash)},${csvCell(entry.hash)}\r\n`;
}
