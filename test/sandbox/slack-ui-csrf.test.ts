import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { ALICE, INCIDENTS, startTestEmulator } from './slack-fixture.js';

/** Issue 21: the sandbox UI acted on cross-site POSTs (any web page could click buttons as a user). */
describe('sandbox UI refuses cross-site POSTs', () => {
  let emulator: SlackEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  const command = (headers: Record<string, string>) =>
    fetch(`${emulator.url}_ui/command`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ user: ALICE, channel: INCIDENTS, text: 'hello from elsewhere' }),
    });

  it('refuses a simple cross-site form/text POST, a foreign Origin, a cross-site fetch and a foreign Host', async () => {
    const own = new URL(emulator.url).host;
    const cases: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json', 'x-sandbox-ui': '1', origin: 'https://evil.example' },
      { 'content-type': 'application/json', 'x-sandbox-ui': '1', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of cases) expect((await command(headers)).status).toBe(403);
    // DNS rebinding: a foreign name resolving to 127.0.0.1 (fetch cannot set Host, node:http can).
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${emulator.url}_ui/command`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-sandbox-ui': '1',
            host: `evil.example:${own.split(':')[1]}`,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ user: ALICE, channel: INCIDENTS, text: 'hello from elsewhere' }));
    });
    expect(rebound).toBe(403);
    expect(emulator.messages(INCIDENTS).filter((m) => m.text === 'hello from elsewhere')).toHaveLength(0);
  });

  it("accepts the UI's own same-origin POST", async () => {
    const own = new URL(emulator.url);
    const res = await command({
      'content-type': 'application/json',
      'x-sandbox-ui': '1',
      origin: own.origin,
      'sec-fetch-site': 'same-origin',
    });
    expect(res.status).toBe(200);
  });
});
