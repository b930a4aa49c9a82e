import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { botCommand } from '../../bench/coldstart.bench.js';
import { benchBotSpawn, deployedRuntime, parseDockerfileRuntime } from '../../bench/deployed-runtime.js';

const DOCKERFILE = `# a comment
FROM node:24-slim AS build
ENV BUILD_ONLY=1
CMD ["node", "build.js"]

FROM node:24-slim AS runtime
ENV NODE_ENV=production \\
    # a comment inside the instruction
    HOST=0.0.0.0 QUOTED="two words"
ENV LEGACY value with spaces
HEALTHCHECK --interval=30s \\
  CMD ["node", "-e", "healthz()"]
CMD ["node", "--enable-source-maps", "--max-semi-space-size=4", "dist/src/cli/bot.js"]
`;

describe('the bot as the production image runs it, read from the Dockerfile', () => {
  afterEach(() => vi.unstubAllEnvs());

  it("takes the last stage's ENV and the node flags and entry of its CMD", () => {
    expect(parseDockerfileRuntime(DOCKERFILE)).toEqual({
      nodeArgs: ['--enable-source-maps', '--max-semi-space-size=4'],
      entry: 'dist/src/cli/bot.js',
      env: { NODE_ENV: 'production', HOST: '0.0.0.0', QUOTED: 'two words', LEGACY: 'value with spaces' },
    });
  });

  it('refuses a CMD that is not node in exec form', () => {
    expect(() => parseDockerfileRuntime('FROM x\nCMD node bot.js\n')).toThrow();
    expect(() => parseDockerfileRuntime('FROM x\nCMD ["bash", "-c", "node bot.js"]\n')).toThrow();
  });

  it("the coldstart bench runs exactly the repository Dockerfile's CMD", () => {
    vi.stubEnv('LIFEBOAT_BENCH_BOT_NODE_ARGS', '');
    // Read here independently of the parser: the last exec-form CMD line of the file.
    const cmd = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('CMD ['))
      .at(-1);
    expect(cmd).toBeDefined();
    expect(['node', ...botCommand()]).toEqual(JSON.parse((cmd ?? '').slice('CMD '.length)));
  });

  it("the benches' bot gets the image's ENV, then the flags of LIFEBOAT_BENCH_BOT_NODE_ARGS after the image's", () => {
    vi.stubEnv('LIFEBOAT_BENCH_BOT_NODE_ARGS', '--cpu-prof');
    const runtime = deployedRuntime();
    for (const key of Object.keys(runtime.env)) vi.stubEnv(key, undefined);
    const spawn = benchBotSpawn(runtime);
    expect(spawn.nodeArgs).toEqual([...runtime.nodeArgs, '--cpu-prof']);
    expect(spawn.env).toMatchObject(runtime.env);
    expect(runtime.env.NODE_ENV).toBe('production');
  });

  it('lets an explicit setting in the bench environment win over the image (for comparisons)', () => {
    vi.stubEnv('NODE_ENV', 'bench-override');
    expect(benchBotSpawn().env.NODE_ENV).toBe('bench-override');
  });
});
