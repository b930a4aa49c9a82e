import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { emojiModule } from './emoji.js';

export interface UiAssets {
  page: string;
  files: Map<string, { body: string; type: string }>;
}

const types: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.svg': 'image/svg+xml',
};

/**
 * Reads the static UI (no build step) from ./ui next to this file, plus the generated emoji table; the extension
 * script is inlined.
 */
export async function loadUiAssets(extensionScript?: string): Promise<UiAssets> {
  const dir = new URL('./ui/', import.meta.url);
  const files = new Map<string, { body: string; type: string }>();
  for (const name of await readdir(dir)) {
    const type = types[extname(name)];
    if (type) files.set(name, { body: await readFile(new URL(name, dir), 'utf8'), type });
  }
  files.set('emoji-data.js', { body: await emojiModule(), type: 'text/javascript' });
  const template = files.get('index.html')?.body ?? '<!doctype html><title>Slack emulator</title>';
  const extension = extensionScript
    ? `<script type="module">\n${extensionScript.replace(/<\/script/gi, '<\\/script')}\n</script>\n`
    : '';
  return { page: template.replace('</body>', `${extension}</body>`), files };
}
