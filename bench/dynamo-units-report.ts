import {
  ITEM_LIMIT_BYTES,
  PARTITION_READ_UNITS,
  PARTITION_WRITE_UNITS,
  type PartitionPeak,
  type UnitsReport,
} from './dynamo-units.js';
import type { BenchResult } from './types.js';

/** DynamoDB's documented limits with a 2x margin (issue 19): the benches' peaks must stay under half of each. */
const MARGIN = 2;

const describe = (peak: PartitionPeak | undefined) => (peak ? ` (${peak.pk})` : '');

/**
 * The figures of a run's DynamoDB accounting (bench/dynamo-units.ts): the hottest partition key's write and
 * read units in its busiest second, and the largest item written, each against DynamoDB's limit halved.
 */
export function unitsResults(what: string, report: UnitsReport): BenchResult[] {
  const row = (name: string, value: number, unit: string, limit: number, target: string): BenchResult => ({
    name,
    value,
    unit,
    baseline: limit / MARGIN,
    ratio: Math.round((value / (limit / MARGIN)) * 1000) / 1000,
    target,
    pass: value <= limit / MARGIN,
  });
  const write = report.peakWrite?.units ?? 0;
  const read = report.peakRead?.units ?? 0;
  return [
    row(
      `${what}: DynamoDB write units/s, hottest partition key${describe(report.peakWrite)}`,
      write,
      'WCU/s',
      PARTITION_WRITE_UNITS,
      '≤ 1,000/2 per partition',
    ),
    row(
      `${what}: DynamoDB read units/s, hottest partition key${describe(report.peakRead)}`,
      read,
      'RCU/s',
      PARTITION_READ_UNITS,
      '≤ 3,000/2 per partition',
    ),
    row(
      `${what}: largest item written${report.largestItem ? ` (${report.largestItem.pk})` : ''}`,
      Math.round(((report.largestItem?.bytes ?? 0) / 1024) * 10) / 10,
      'KB',
      ITEM_LIMIT_BYTES / 1024,
      '≤ 400 KB/2',
    ),
  ];
}

/** One line per key class (AUDIT, INCIDENT, ALARMMSG, LEASE…): its hottest key's busiest second. */
export function unitsByPrefix(report: UnitsReport): string {
  const line = (byPrefix: Record<string, PartitionPeak>) =>
    Object.values(byPrefix)
      .sort((a, b) => b.units - a.units)
      .map((p) => `${p.prefix} ${p.units} (${p.pk})`)
      .join(', ') || 'none';
  return `write units/s by key class: ${line(report.writeByPrefix)}; read units/s: ${line(report.readByPrefix)}`;
}
