import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

interface EmojiEntry {
  unified: string;
  short_names: string[];
}

/**
 * Slack's emoji shortcodes (iamcal's emoji-data, the set Slack itself uses, from the `emoji-datasource`
 * package) as a browser module: `export const EMOJI = { "book": "📖", … }`. Read when the UI is first served.
 */
export async function emojiModule(): Promise<string> {
  const path = createRequire(import.meta.url).resolve('emoji-datasource/emoji.json');
  const entries = JSON.parse(await readFile(path, 'utf8')) as EmojiEntry[];
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const char = String.fromCodePoint(...entry.unified.split('-').map((hex) => Number.parseInt(hex, 16)));
    for (const name of entry.short_names) map[name] = char;
  }
  return `// Generated from emoji-datasource (Slack's emoji set): shortcode -> emoji.\nexport const EMOJI = ${JSON.stringify(map)};\n`;
}
