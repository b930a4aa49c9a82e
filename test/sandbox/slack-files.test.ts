import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { INCIDENTS, startTestEmulator, webClient } from './slack-fixture.js';

describe('Slack emulator file uploads', () => {
  let emulator: SlackEmulator;

  beforeEach(async () => {
    emulator = await startTestEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('stores the content sent through files.uploadV2 and shares it in the channel thread', async () => {
    // Prepare
    const client = webClient(emulator);
    const parent = await client.chat.postMessage({ channel: INCIDENTS, text: 'incident' });

    // Act
    const result = await client.files.uploadV2({
      channel_id: INCIDENTS,
      thread_ts: parent.ts as string,
      filename: 'report.md',
      title: 'DR report',
      content: '# Report\nRTO met',
      initial_comment: 'Here is the report',
    });

    // Assert
    expect(result.ok).toBe(true);
    const [file] = emulator.files();
    expect(file).toMatchObject({
      name: 'report.md',
      title: 'DR report',
      channel: INCIDENTS,
      completed: true,
    });
    expect(file?.content.toString('utf8')).toBe('# Report\nRTO met');
    const reply = emulator.thread(INCIDENTS, parent.ts ?? '')[1];
    expect(reply).toMatchObject({
      text: 'Here is the report',
      files: [{ id: file?.id, title: 'DR report' }],
    });
  });

  it('uploads binary data from a Buffer', async () => {
    const data = Buffer.from([0, 1, 2, 250, 255]);

    await webClient(emulator).files.uploadV2({ channel_id: INCIDENTS, filename: 'blob.bin', file: data });

    expect(emulator.files()[0]?.content.equals(data)).toBe(true);
  });

  it('rejects completing an upload that was never requested', async () => {
    const client = webClient(emulator);

    await expect(client.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }] })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
  });
});
