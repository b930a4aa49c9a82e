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
