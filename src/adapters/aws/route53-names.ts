import type { ResourceRecordSet } from '@aws-sdk/client-route-53';

/**
 * Record names as Route 53 compares them: it stores letters in lowercase, returns characters other than
 * a-z, 0-9, hyphen and underscore as `\ooo` octal escapes (`*.example.com.` comes back `\052.example.com.`),
 * and treats a name with and without its trailing dot alike (Route 53 Developer Guide, "DNS domain name
 * format"; API reference, ResourceRecordSet Name).
 */
export function recordNameKey(name: string): string {
  return name
    .replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))
    .toLowerCase()
    .replace(/\.$/, '');
}

export const sameRecordName = (a: string | undefined, b: string): boolean =>
  a !== undefined && recordNameKey(a) === recordNameKey(b);

/**
 * What a record answers, comparable across records: an alias record's target (alias records have no
 * ResourceRecords), else its sorted values. Empty when the record is missing.
 */
export const recordAnswer = (s: ResourceRecordSet | undefined): string =>
  s?.AliasTarget
    ? `alias ${recordNameKey(s.AliasTarget.DNSName ?? '')} (${s.AliasTarget.HostedZoneId ?? ''})`
    : (s?.ResourceRecords ?? [])
        .map((v) => v.Value ?? '')
        .sort()
        .join(',');
