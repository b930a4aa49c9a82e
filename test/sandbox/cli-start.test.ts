import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `npm start` as a person runs it: its own process, its output, its exit. */
function start(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SLACK_') && k !== 'LOG_LEVEL'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts', ...args], {
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, output: () => out };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('npm start', () => {
  let dataDir = '';
  let busy: Server;
  let busyPort = 0;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lifeboat-cli-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    busyPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says in one line that the port is in use, with the PORT hint, not a stack trace', async () => {
    const run = start([], { PORT: String(busyPort), LIFEBOAT_DATA_DIR: dataDir });

    expect(await exited(run.child)).toBe(2);
    const lines = run.output().trim().split('\n');
    expect(lines).toEqual([
      `Port ${busyPort} is already in use (127.0.0.1:${busyPort}): stop what runs there, or choose another port, e.g. PORT=${busyPort + 1} npm start`,
    ]);
  }, 60_000);

  it('refuses an unknown option with a suggestion', async () => {
    const run = start(['--kep'], { PORT: '0', LIFEBOAT_DATA_DIR: dataDir });

    expect(await exited(run.child)).toBe(2);
    expect(run.output().trim()).toBe(
      'npm start: unknown option --kep (did you mean --keep?). Usage: npm start [-- --keep]',
    );
  }, 60_000);

  it('prints its URL without warnings, and a last line after Ctrl-C; --keep continues that world', async () => {
    const first = start([], { PORT: '0', LIFEBOAT_DATA_DIR: dataDir });
    const firstExit = exited(first.child);
    await expect.poll(first.output, { timeout: 60_000, interval: 100 }).toContain('Ctrl-C stops everything');
    expect(first.output()).toContain('A fresh world');
    // The SDK's Node-version warning (it prints for Node versions it no longer supports) does not appear.
    expect(first.output()).not.toMatch(/NodeVersion|no longer support|Warning/i);

    first.child.kill('SIGINT');
    expect(await firstExit).toBe(0);
    const lines = first.output().trim().split('\n');
    expect(lines.at(-1)).toBe(
      `Sandbox stopped; its world is saved in ${dataDir}/. npm start -- --keep continues it, npm start starts afresh.`,
    );

    const second = start(['--keep'], { PORT: '0', LIFEBOAT_DATA_DIR: dataDir });
    const secondExit = exited(second.child);
    await expect.poll(second.output, { timeout: 60_000, interval: 100 }).toContain('Ctrl-C stops everything');
    expect(second.output()).toContain('The world you left, continued');
    second.child.kill('SIGINT');
    expect(await secondExit).toBe(0);
  }, 150_000);
});
