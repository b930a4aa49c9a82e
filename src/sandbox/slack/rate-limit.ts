import type { RateLimitConfig } from './types.js';

/** Slack's published defaults: ~1 msg/s per channel with short bursts; Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min. */
export const defaultRateLimits: RateLimitConfig = {
  enabled: true,
  postMessagePerChannelPerSec: 1,
  burst: 3,
  updatePerMin: 50,
  tier2PerMin: 20,
  tier3PerMin: 50,
  tier4PerMin: 100,
};

export function resolveRateLimits(option: Partial<RateLimitConfig> | false | undefined): RateLimitConfig {
  if (option === false) return { ...defaultRateLimits, enabled: false };
  return { ...defaultRateLimits, ...option };
}

type Tier = 'tier2' | 'tier3' | 'tier4' | 'update';

const methodTiers: Record<string, Tier> = {
  'chat.update': 'update',
  'chat.delete': 'update',
  'chat.postEphemeral': 'tier4',
  'chat.getPermalink': 'tier4',
  'conversations.open': 'tier3',
  'conversations.info': 'tier3',
  'conversations.history': 'tier3',
  'conversations.replies': 'tier3',
  'views.open': 'tier4',
  'views.update': 'tier4',
  'views.push': 'tier4',
  'views.publish': 'tier4',
  'users.info': 'tier4',
  'users.list': 'tier2',
  'usergroups.users.list': 'tier2',
  'files.getUploadURLExternal': 'tier4',
  'files.completeUploadExternal': 'tier4',
  'auth.test': 'tier4',
};

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds to wait, as sent in Retry-After (at least 1). */
  retryAfterSec: number;
}

/** Token buckets per method (and per channel for chat.postMessage). */
export interface RateLimiter {
  check(method: string, channel: string | undefined, now: number): RateDecision;
}

export function createRateLimiter(config: RateLimitConfig): RateLimiter {
  const buckets = new Map<string, Bucket>();

  function limitFor(
    method: string,
    channel: string | undefined,
  ): { key: string; capacity: number; perMs: number } {
    if (method === 'chat.postMessage') {
      return {
        key: `${method}:${channel ?? ''}`,
        capacity: Math.max(1, config.burst),
        perMs: config.postMessagePerChannelPerSec / 1000,
      };
    }
    const tier = methodTiers[method] ?? 'tier3';
    const perMin = {
      update: config.updatePerMin,
      tier2: config.tier2PerMin,
      tier3: config.tier3PerMin,
      tier4: config.tier4PerMin,
    }[tier];
    return { key: method, capacity: Math.max(1, perMin), perMs: perMin / 60_000 };
  }

  return {
    check(method, channel, now) {
      if (!config.enabled) return { allowed: true, retryAfterSec: 0 };
      const { key, capacity, perMs } = limitFor(method, channel);
      const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
      const tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: now });
        return { allowed: true, retryAfterSec: 0 };
      }
      buckets.set(key, { tokens, at: now });
      const waitMs = perMs > 0 ? (1 - tokens) / perMs : 60_000;
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
  };
}
