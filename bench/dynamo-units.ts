/**
 * DynamoDB's capacity accounting, applied to the calls a benchmark's dynalite serves (dynalite has no
 * throughput limits, DynamoDB has). Self-contained (no imports, only erasable TypeScript) so the dynalite
 * child process can load it with Node's own type stripping.
 *
 * - Item size: attribute names and values as UTF-8 bytes, numbers about 1 byte per two significant digits
 *   plus 1, null and Boolean 1 byte, a List or Map 3 bytes plus 1 byte per element
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 * - Write units: 1 per KB of the item written, rounded up; a failed conditional write consumes them too.
 *   Read units: 1 per 4 KB for a strongly consistent read, half for an eventually consistent one; a Query is
 *   the sum of the items it returns, rounded up once; a GetItem that finds nothing still costs the minimum
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
 * - Limits: each partition serves at most 1,000 write units and 3,000 read units per second
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html) and an
 *   item is at most 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
 *
 * Stricter than AWS where the calls do not say: all items of one partition key are counted as one partition
 * (DynamoDB may split a key's sort-key range across partitions, never join two keys' load into less);
 * UpdateItem and DeleteItem, whose item size the response does not give, count their request's size (at
 * least 1 unit); a Query with a filter is counted from the items it returns (it really reads more: the
 * benchmarks' storm and export make none with a filter).
 */

export const PARTITION_WRITE_UNITS = 1_000;
export const PARTITION_READ_UNITS = 3_000;
export const ITEM_LIMIT_BYTES = 400 * 1024;

type Attr = Record<string, unknown>;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Size of one attribute value in DynamoDB's JSON form ({ S: … }, { N: … }, { M: … }…), without its name. */
export function valueSize(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const v = value as Attr;
  if (typeof v.S === 'string') return utf8(v.S);
  if (typeof v.N === 'string') {
    const digits = v.N.replace(/^[-+]/, '')
      .replace(/e.*$/i, '')
      .replace('.', '')
      .replace(/^0+/, '')
      .replace(/0+$/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if (typeof v.B === 'string') return Buffer.from(v.B, 'base64').length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if (Array.isArray(v.SS)) return (v.SS as string[]).reduce((n, s) => n + utf8(s), 0);
  if (Array.isArray(v.NS)) return (v.NS as string[]).reduce((n, s) => n + valueSize({ N: s }), 0);
  if (Array.isArray(v.BS)) return (v.BS as string[]).reduce((n, s) => n + valueSize({ B: s }), 0);
  if (Array.isArray(v.L)) return 3 + (v.L as unknown[]).reduce<number>((n, e) => n + 1 + valueSize(e), 0);
  if (v.M !== null && typeof v.M === 'object')
    return 3 + Object.entries(v.M as Attr).reduce((n, [k, e]) => n + 1 + utf8(k) + valueSize(e), 0);
  return 0;
}

/** Size of an item in DynamoDB's JSON form: every attribute's name and value. */
export function itemSize(item: Attr | undefined): number {
  if (!item) return 0;
  let n = 0;
  for (const [name, value] of Object.entries(item)) n += utf8(name) + valueSize(value);
  return n;
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

const pkOf = (item: Attr | undefined): string => {
  const pk = item?.pk as Attr | undefined;
  return typeof pk?.S === 'string' ? pk.S : '-';
};

/** Peak units per second of one partition key, and the class of key it belongs to (its prefix). */
export interface PartitionPeak {
  readonly pk: string;
  readonly prefix: string;
  readonly units: number;
  /** Epoch second of the peak. */
  readonly second: number;
}

export interface UnitsReport {
  readonly peakWrite?: PartitionPeak;
  readonly peakRead?: PartitionPeak;
  /** Per key prefix (AUDIT, INCIDENT, ALARMMSG, LEASE…): its hottest key's peak second. */
  readonly writeByPrefix: Record<string, PartitionPeak>;
  readonly readByPrefix: Record<string, PartitionPeak>;
  readonly largestItem?: { readonly pk: string; readonly bytes: number };
  readonly calls: number;
}

const prefixOf = (pk: string) => /^[A-Z_]+/.exec(pk)?.[0] ?? '-';

/** Accumulates units per (partition key, second) from request/response pairs of DynamoDB's JSON protocol. */
export function createUnitsAccount() {
  let writes = new Map<string, number>();
  let reads = new Map<string, number>();
  let largest: { pk: string; bytes: number } | undefined;
  let calls = 0;

  const add = (map: Map<string, number>, pk: string, second: number, units: number) => {
    const key = `${second} ${pk}`;
    map.set(key, (map.get(key) ?? 0) + units);
  };
  const wrote = (pk: string, second: number, bytes: number) => {
    add(writes, pk, second, writeUnits(bytes));
    if (!largest || bytes > largest.bytes) largest = { pk, bytes };
  };

  return {
    /** One served call: the operation (x-amz-target's last part), its request and response bodies, when. */
    record(op: string, request: Attr, response: Attr, atMs: number): void {
      calls++;
      const second = Math.floor(atMs / 1000);
      const consistent = request.ConsistentRead === true;
      switch (op) {
        case 'PutItem': {
          const item = request.Item as Attr | undefined;
          wrote(pkOf(item), second, itemSize(item));
          break;
        }
        case 'UpdateItem':
        case 'DeleteItem': {
          const key = request.Key as Attr | undefined;
          add(writes, pkOf(key), second, writeUnits(utf8(JSON.stringify(request))));
          break;
        }
        case 'BatchWriteItem': {
          const tables = (request.RequestItems ?? {}) as Record<string, Attr[]>;
          for (const requests of Object.values(tables))
            for (const r of requests) {
              const put = (r.PutRequest as Attr | undefined)?.Item as Attr | undefined;
              if (put) wrote(pkOf(put), second, itemSize(put));
              const del = (r.DeleteRequest as Attr | undefined)?.Key as Attr | undefined;
              if (del) add(writes, pkOf(del), second, 1);
            }
          break;
        }
        case 'GetItem': {
          const key = request.Key as Attr | undefined;
          add(reads, pkOf(key), second, readUnits(itemSize(response.Item as Attr | undefined), consistent));
          break;
        }
        case 'Query': {
          const values = (request.ExpressionAttributeValues ?? {}) as Attr;
          const pk = (values[':pk'] as Attr | undefined)?.S;
          const items = (response.Items ?? []) as Attr[];
          const bytes = items.reduce((n, item) => n + itemSize(item), 0);
          add(reads, typeof pk === 'string' ? pk : '-', second, readUnits(bytes, consistent));
          break;
        }
        case 'BatchGetItem': {
          const tables = (response.Responses ?? {}) as Record<string, Attr[]>;
          const wanted = (request.RequestItems ?? {}) as Record<string, Attr>;
          for (const [table, items] of Object.entries(tables)) {
            const strongly = wanted[table]?.ConsistentRead === true;
            for (const item of items) add(reads, pkOf(item), second, readUnits(itemSize(item), strongly));
          }
          break;
        }
        default:
          calls--;
      }
    },
    /** The peaks since the last report; starts a new window. */
    report(): UnitsReport {
      const peaks = (map: Map<string, number>) => {
        let top: PartitionPeak | undefined;
        const byPrefix: Record<string, PartitionPeak> = {};
        for (const [key, units] of map) {
          const space = key.indexOf(' ');
          const pk = key.slice(space + 1);
          const peak = { pk, prefix: prefixOf(pk), units, second: Number(key.slice(0, space)) };
          if (!top || units > top.units) top = peak;
          const before = byPrefix[peak.prefix];
          if (!before || units > before.units) byPrefix[peak.prefix] = peak;
        }
        return { top, byPrefix };
      };
      const w = peaks(writes);
      const r = peaks(reads);
      const report: UnitsReport = {
        ...(w.top ? { peakWrite: w.top } : {}),
        ...(r.top ? { peakRead: r.top } : {}),
        writeByPrefix: w.byPrefix,
        readByPrefix: r.byPrefix,
        ...(largest ? { largestItem: largest } : {}),
        calls,
      };
      writes = new Map();
      reads = new Map();
      largest = undefined;
      calls = 0;
      return report;
    },
  };
}
