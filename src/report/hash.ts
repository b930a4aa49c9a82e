import { createHash } from 'node:crypto';

/** SHA-256 (hex) of a report body's UTF-8 bytes: what the `report.recovery` audit entry records. */
export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
