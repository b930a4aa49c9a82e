import type { Measure } from './types.js';

/** Human duration: "850 ms", "14.2 s", "12 min", "5.1 h", "3.2 d". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(ms)} ms`;
  if (abs < 120_000) return `${trim(ms / 1_000)} s`;
  if (abs < 7_200_000) return `${trim(ms / 60_000)} min`;
  if (abs < 172_800_000) return `${trim(ms / 3_600_000)} h`;
  return `${trim(ms / 86_400_000)} d`;
}

/** "2026-12-07 01:05:48 UTC": the one plain-text time style (fallback text, files, the `<!date>` fallback). */
export function utcText(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

function trim(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${trim(value)} ${units[i]}`;
}

export function formatMeasure(measure: Measure): string {
  if ('text' in measure) return measure.text;
  switch (measure.unit) {
    case 'ms':
      return formatDuration(measure.value);
    case 'bytes':
      return formatBytes(measure.value);
    case 'count':
      return String(measure.value);
  }
}

export const ms = (value: number): Measure => ({ value, unit: 'ms' });
export const count = (value: number): Measure => ({ value, unit: 'count' });
export const text = (value: string): Measure => ({ text: value });
