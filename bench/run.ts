import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchResult } from './types.js';

/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts in turn (one at a time, so they do not
 * disturb each other) and prints one table of figures against their baselines or lower bounds.
 * Exits 1 if a benchmark misses its target or fails to run.
 */
const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const rows: (BenchResult & { file: string })[] = [];
let failures = 0;
for (const file of files) {
  const started = performance.now();
  process.stderr.write(`running ${file}…\n`);
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
    for (const result of await mod.default()) rows.push({ ...result, file: basename(file, '.bench.ts') });
  } catch (error) {
    failures++;
    console.error(
      `${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
  process.stderr.write(`${file} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 3 : 1));
const table = [
  ['bench', 'figure', 'value', 'baseline', 'ratio', 'target', 'ok'],
  ...rows.map((r) => [
    r.file,
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    `${fmt(r.baseline)} ${r.unit}`,
    `${r.ratio.toFixed(2)}x`,
    r.target,
    r.pass ? 'yes' : 'NO',
  ]),
];
const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j] ?? 0)).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const missed = rows.filter((r) => !r.pass).length;
console.log(
  `\n${rows.length} figure(s) from ${files.length} benchmark(s); ${missed} missed target; ${failures} failed to run.`,
);
process.exitCode = missed > 0 || failures > 0 ? 1 : 0;
