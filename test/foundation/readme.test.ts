import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { README_SHOTS } from '../e2e/browser.js';

describe('README.md', () => {
  it('shows exactly the screenshots the browser tests write', async () => {
    const readme = await readFile('README.md', 'utf8');
    const shown = [...readme.matchAll(/\]\((docs\/screenshots\/[^)]+)\)/g)].map((m) => m[1]);
    expect(shown.sort()).toEqual(Object.values(README_SHOTS).sort());
  });

  it('tells a newcomer the Node version, the port, the people and how to keep or reset the sandbox', async () => {
    const readme = await readFile('README.md', 'utf8');
    for (const needed of [
      'Node.js 24',
      'PORT=',
      'npm start -- --keep',
      '.lifeboat/',
      'Acting as',
      'autoRequestFailover',
    ])
      expect(readme).toContain(needed);
  });
});
