import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BOT, workspaceForPlan } from '../../src/sandbox/people.js';
import { type SlackEmulator, startSlackEmulator } from '../../src/sandbox/slack/index.js';
import { examplePlan } from '../runbook/plan.js';

/**
 * Production runs the output of `npm run build` (tsconfig.build.json) with plain `node`, no tsx, and
 * only the runtime dependencies (the image's `npm ci --omit=dev`). This test compiles the bot into a
 * scratch folder inside the repository (so node_modules resolves), checks that everything the compiled
 * bot imports is a runtime dependency, then starts it and asks its /healthz.
 * The image build itself is `npm run image:check` (docs/operations.md): it needs a Docker engine.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, '.lifeboat', `build-test-${process.pid}`);
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address ? address.port : 0;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

/** Every package the compiled entry reaches through static and literal dynamic imports. */
async function packagesReachedFrom(entry: string): Promise<Set<string>> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(packageOf(specifier));
    }
  }
  return packages;
}

describe('the compiled bot (npm run build, node dist/src/cli/bot.js)', () => {
  let slack: SlackEmulator;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    await rm(OUT, { recursive: true, force: true });
    // The same compiler and project as `npm run build`, into a scratch folder.
    await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', OUT],
      {
        cwd: ROOT,
      },
    );
    const plan = examplePlan();
    slack = await startSlackEmulator({
      ...workspaceForPlan(plan),
      botToken: 'xoxb-compiled',
      signingSecret: 'compiled-secret',
      botUser: SANDBOX_BOT,
      rateLimits: false,
    });
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    }
    await slack?.close();
    await rm(OUT, { recursive: true, force: true });
  });

  it('imports only runtime dependencies (what `npm ci --omit=dev` installs): no tsx, no test tooling', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };

    const reached = await packagesReachedFrom(join(OUT, 'src/cli/bot.js'));

    expect([...reached].filter((p) => !(p in manifest.dependencies))).toEqual([]);
    expect(reached.has('@slack/bolt')).toBe(true);
    for (const dev of ['tsx', 'playwright-core', 'sns-validator', 'selfsigned', 'vitest', 'typescript']) {
      expect(manifest.dependencies, dev).not.toHaveProperty(dev);
    }
  });

  it('starts with plain node and answers 200 on /healthz and Prometheus text on /metrics', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'lifeboat-compiled-'));
    // A clean environment: no NODE_OPTIONS (no tsx loader), no AWS credentials (embedded state).
    child = spawn(process.execPath, [join(OUT, 'src/cli/bot.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        SLACK_BOT_TOKEN: 'xoxb-compiled',
        SLACK_SIGNING_SECRET: 'compiled-secret',
        SLACK_API_URL: slack.apiUrl,
        DR_PLAN: join(ROOT, 'dr-plan.example.yml'),
        LIFEBOAT_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        AWS_REGION: 'us-west-2',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    // Wait for the event: the bot's own "Lifeboat is up" line (or its exit).
    const up = new Promise<void>((resolveUp, rejectUp) => {
      child?.stdout?.on('data', () => {
        if (output.join('').includes('"msg":"Lifeboat is up"')) resolveUp();
      });
      child?.once('exit', (code) => rejectUp(new Error(`the bot exited (${code}):\n${output.join('')}`)));
    });
    await up;

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    const metricsText = await metrics.text();

    expect(health.status, output.join('')).toBe(200);
    expect(metrics.status).toBe(200);
    expect(metricsText).toMatch(/^lifeboat_slack_queue_depth \d+$/m);
    // The DynamoDB thread starts from compiled JS (no tsx): the first state call succeeded.
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status, output.join('')).toBe(200);
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }, 120_000);
});
