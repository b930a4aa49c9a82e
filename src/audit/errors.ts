import type { VerifyReport } from './types.js';

export type AuditErrorCode = 'append_contention' | 'day_open' | 'chain_broken' | 'checkpoint_order';

/** A failure of the audit log itself; `code` tells callers which. */
export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    readonly report?: VerifyReport,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}
