/**
 * What this process last sent to each message it edits, so an edit that would change nothing is not sent:
 * Slack counts every chat.update against its Tier 3 limit, and the emulator (like Slack's client) renders an
 * edited message again. Remembered only after Slack accepted the edit, so a failed edit is sent again.
 * Per process: another replica's edit in between is at least as new as this one's state.
 */
export interface EditMemo {
  /** True when `content` is what was last sent to this message. */
  same(channel: string, ts: string, content: unknown): boolean;
  /** Records `content` as sent to this message. */
  sent(channel: string, ts: string, content: unknown): void;
}

export function createEditMemo(limit = 2_000): EditMemo {
  const last = new Map<string, string>();
  const key = (channel: string, ts: string) => `${channel}/${ts}`;
  return {
    same: (channel, ts, content) => last.get(key(channel, ts)) === JSON.stringify(content),
    sent(channel, ts, content) {
      const k = key(channel, ts);
      last.delete(k);
      last.set(k, JSON.stringify(content));
      // Bounded: the oldest message's memory goes first (a later edit of it is then simply sent).
      if (last.size > limit) last.delete(last.keys().next().value as string);
    },
  };
}
