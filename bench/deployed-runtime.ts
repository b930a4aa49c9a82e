import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * How the production image runs the bot, read from the Dockerfile: its single source. The benchmarks
 * that measure the bot (coldstart, the storm's bot in alarms, the flood's) start it with the node flags
 * of the runtime stage's `CMD` and the environment of its `ENV` instructions, so a flag or an allocator
 * setting added to the image is measured without being written a second time here.
 */
export interface DeployedRuntime {
  /** The flags between `node` and the entry point (e.g. `--enable-source-maps`). */
  readonly nodeArgs: readonly string[];
  /** The script the image runs, relative to its WORKDIR (`dist/src/cli/bot.js`). */
  readonly entry: string;
  /** The runtime stage's `ENV` variables, in order (later ones win). */
  readonly env: Readonly<Record<string, string>>;
}

const dockerfile = fileURLToPath(new URL('../Dockerfile', import.meta.url));

/** Instructions of a Dockerfile: comments dropped, continuation lines (`\` at the end) joined. */
function instructions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    current += line;
    if (current.trim()) out.push(current.trim());
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** `ENV A=1 B="two words"` (or the legacy `ENV A value`) as pairs. */
function envPairs(args: string): [string, string][] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key = '', ...value] = args.split(/\s+/);
    return [[key, value.join(' ')]];
  }
  const pairs: [string, string][] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const value = m[2] ?? '';
    pairs.push([m[1] ?? '', value.startsWith('"') ? (JSON.parse(value) as string) : value]);
  }
  return pairs;
}

/** The last stage's `ENV` and exec-form `CMD ["node", ...flags, entry]`; anything else is refused. */
export function parseDockerfileRuntime(text: string): DeployedRuntime {
  const lines = instructions(text);
  const lastFrom = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  const stage = lines.slice(lastFrom + 1);
  const env: Record<string, string> = {};
  let cmd: unknown;
  for (const line of stage) {
    const [, keyword = '', rest = ''] = line.match(/^(\S+)\s*(.*)$/) ?? [];
    if (keyword.toUpperCase() === 'ENV') for (const [k, v] of envPairs(rest)) env[k] = v;
    if (keyword.toUpperCase() === 'CMD') cmd = JSON.parse(rest);
  }
  if (!Array.isArray(cmd) || cmd[0] !== 'node' || !cmd.every((a) => typeof a === 'string')) {
    throw new Error('the Dockerfile runtime stage has no exec-form CMD ["node", ...]');
  }
  const args = (cmd as string[]).slice(1);
  const entry = args.at(-1);
  if (!entry || entry.startsWith('-')) throw new Error('the Dockerfile CMD names no entry script');
  return { nodeArgs: args.slice(0, -1), entry, env };
}

/** The repository's Dockerfile, parsed (read when called: no work at import). */
export function deployedRuntime(): DeployedRuntime {
  return parseDockerfileRuntime(readFileSync(dockerfile, 'utf8'));
}

/** How a bench starts the bot's process: its node flags and its whole environment. */
export interface BotSpawn {
  readonly nodeArgs: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The image's node flags, then LIFEBOAT_BENCH_BOT_NODE_ARGS (e.g. `--cpu-prof`; node and V8 take the last
 * of a repeated flag, so a measurement can override one of the image's); the image's `ENV`, then this
 * process's environment over it (an explicit setting wins, e.g. `MALLOC_ARENA_MAX=8` for a comparison).
 */
export function benchBotSpawn(runtime: DeployedRuntime = deployedRuntime()): BotSpawn {
  const extra = (process.env.LIFEBOAT_BENCH_BOT_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const env: Record<string, string> = { ...runtime.env };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { nodeArgs: [...runtime.nodeArgs, ...extra], env };
}
