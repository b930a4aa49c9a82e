import { describe, expect, it } from 'vitest';
import { auditUsage } from '../../blocks/audit/messages.js';
import { usageMessage } from '../../blocks/help.js';

/**
 * Issue 21 (lower list): notification fallbacks (`text`) carried user text unescaped, so
 * `<!channel>` in an unknown subcommand or audit range notified everyone in the fallback.
 */
describe('notification fallbacks escape user text', () => {
  const hostile = 'Unknown subcommand "<!channel> <@U0ALL> & <https://evil.example|click>"';

  it('escapes the /dr usage fallback', () => {
    const { text } = usageMessage(hostile);
    expect(text).not.toMatch(/[<>]/);
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('escapes the /dr audit usage fallback', () => {
    const { text } = auditUsage(hostile);
    expect(text).not.toMatch(/<!channel>|<@U0ALL>|<https:/);
    expect(text).toContain('&lt;!channel&gt;');
  });
});
