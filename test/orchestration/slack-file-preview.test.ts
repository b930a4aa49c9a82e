import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PREVIEW_LINES } from '../../src/sandbox/slack/api/files.js';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { INCIDENTS, startTestEmulator, webClient } from '../sandbox/slack-fixture.js';

/** A text file shared in a thread carries Slack's preview fields, which the browser UI shows under its name. */
describe('Slack emulator: text file previews', () => {
  let emulator: SlackEmulator;
  beforeEach(async () => {
    emulator = await startTestEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('gives a Markdown file its first lines as preview, with how many lines are left', async () => {
    const client = webClient(emulator);
    const parent = await client.chat.postMessage({ channel: INCIDENTS, text: 'incident' });
    const lines = Array.from({ length: PREVIEW_LINES + 3 }, (_, i) => `line ${i + 1}`);

    const result = await client.files.uploadV2({
      channel_id: INCIDENTS,
      thread_ts: parent.ts as string,
      filename: 'recovery.md',
      title: 'Recovery report',
      content: `${lines.join('\n')}\n`,
      initial_comment: 'report',
    });

    expect(result.ok).toBe(true);
    const reply = emulator.thread(INCIDENTS, parent.ts ?? '')[1];
    expect(reply?.files?.[0]).toMatchObject({
      name: 'recovery.md',
      title: 'Recovery report',
      preview: lines.slice(0, PREVIEW_LINES).join('\n'),
      preview_is_truncated: true,
      lines: PREVIEW_LINES + 3,
      lines_more: 3,
    });
  });

  it('gives a binary file no preview', async () => {
    await webClient(emulator).files.uploadV2({
      channel_id: INCIDENTS,
      filename: 'blob.bin',
      file: Buffer.from([0, 1, 2]),
    });
    const shared = emulator.messages(INCIDENTS).find((m) => m.files?.length);
    expect(shared?.files?.[0]).not.toHaveProperty('preview');
  });
});
