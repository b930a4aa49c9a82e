import { truncate } from '../../blocks/escape.js';
import type { AuditLog, JsonObject } from '../audit/types.js';
import type { Logger } from '../logger.js';

/**
 * Refused anonymous requests (bad signature, stale or future timestamp, bad SNS envelope, unknown
 * topic…) are audited as rate-limited aggregates: per window (default one minute) one entry per
 * event type and reason, with the count and the first request as a sample, its text truncated.
 * They go to their own audit log (its own chains, `companionWriterId`), with at most
 * one flush at a time, so approvals, commands and alarms never wait behind a flood of refusals, and
 * memory stays bounded (at most `maxKeys` reasons per window; more are counted under `other`).
 * The log gets the first refusal of each reason per window and the window's summary.
 */
export interface Refusal {
  /** The audit event type: `http.rejected` (Slack route, unknown paths) or `alarm.rejected` (POST /sns). */
  readonly type: 'http.rejected' | 'alarm.rejected';
  /** A short machine reason (`invalid_signature`, `stale`…); text after a colon goes to the sample. */
  readonly reason: string;
  readonly status: number;
  readonly path?: string;
  readonly detail?: string;
  readonly remoteAddress?: string | undefined;
  readonly topicArn?: string | undefined;
}

export interface RefusalAudit {
  record(refusal: Refusal): void;
  /** Writes the current window now (shutdown, tests). */
  flush(): Promise<void>;
  stats(): {
    readonly pending: number;
    readonly keys: number;
    readonly written: number;
    readonly failed: number;
  };
  close(): Promise<void>;
}

export interface RefusalAuditOptions {
  readonly audit: Pick<AuditLog, 'append'>;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly windowMs?: number;
  readonly maxKeys?: number;
  /** Characters kept of each sample field (default 300). */
  readonly sampleChars?: number;
}

interface Bucket {
  readonly type: Refusal['type'];
  readonly reason: string;
  count: number;
  readonly firstAt: number;
  lastAt: number;
  readonly statuses: Set<number>;
  readonly sample: JsonObject;
}

export function createRefusalAudit(options: RefusalAuditOptions): RefusalAudit {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 32;
  const chars = options.sampleChars ?? 300;
  const log = options.logger.child({ component: 'refusals' });
  let buckets = new Map<string, Bucket>();
  let windowStart = now();
  let flushing: Promise<void> | undefined;
  let written = 0;
  let failed = 0;

  const sampleOf = (r: Refusal): JsonObject => {
    const colon = r.reason.indexOf(':');
    const detail = r.detail ?? (colon >= 0 ? r.reason.slice(colon + 1).trim() : undefined);
    return {
      status: r.status,
      ...(r.path ? { path: truncate(r.path, 100) } : {}),
      ...(detail ? { detail: truncate(detail, chars) } : {}),
      ...(r.remoteAddress ? { remoteAddress: truncate(r.remoteAddress, 64) } : {}),
      ...(r.topicArn ? { topicArn: truncate(r.topicArn, chars) } : {}),
    };
  };

  const flushNow = async (): Promise<void> => {
    const closing = buckets;
    const from = windowStart;
    buckets = new Map();
    windowStart = now();
    for (const b of closing.values()) {
      log.warn({ type: b.type, reason: b.reason, count: b.count }, 'requests refused in the last window');
      try {
        await options.audit.append({
          type: b.type,
          actor: 'unknown',
          details: {
            aggregate: true,
            reason: b.reason,
            count: b.count,
            statuses: [...b.statuses].sort(),
            windowStart: new Date(from).toISOString(),
            firstAt: new Date(b.firstAt).toISOString(),
            lastAt: new Date(b.lastAt).toISOString(),
            sample: b.sample,
          },
        });
        written++;
      } catch (error) {
        failed++;
        log.error({ err: error, reason: b.reason, count: b.count }, 'audit of refused requests failed');
      }
    }
  };

  const flush = (): Promise<void> => {
    // One flush at a time: while one is writing, refusals keep counting into the next window.
    flushing ??= flushNow().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };

  const timer = setInterval(() => {
    if (buckets.size > 0 && !flushing) void flush();
  }, windowMs);
  timer.unref?.();

  return {
    record(refusal) {
      const at = now();
      const base = refusal.reason.split(':')[0]?.trim().slice(0, 64) || 'unknown';
      let key = `${refusal.type}|${base}`;
      if (!buckets.has(key) && buckets.size >= maxKeys) key = `${refusal.type}|other`;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = {
          type: refusal.type,
          reason: key.slice(refusal.type.length + 1),
          count: 0,
          firstAt: at,
          lastAt: at,
          statuses: new Set(),
          sample: sampleOf(refusal),
        };
        buckets.set(key, bucket);
        log.warn({ type: refusal.type, reason: bucket.reason, ...bucket.sample }, 'request refused');
      }
      bucket.count++;
      bucket.lastAt = at;
      if (bucket.statuses.size < 8) bucket.statuses.add(refusal.status);
    },
    async flush() {
      while (flushing) await flushing;
      await flush();
    },
    stats: () => ({
      pending: [...buckets.values()].reduce((n, b) => n + b.count, 0),
      keys: buckets.size,
      written,
      failed,
    }),
    async close() {
      clearInterval(timer);
      while (flushing) await flushing;
      if (buckets.size > 0) await flush();
    },
  };
}
