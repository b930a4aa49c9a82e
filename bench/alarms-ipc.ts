import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The alarm-storm benchmark runs each party in its own process (bot, storm generator, dynalite, the
 * bare-Bolt baseline), so that none shares an event loop with another. They talk in JSON lines:
 * the child's first stdout line says it is ready, then each request line `{ id, cmd, ... }` on
 * stdin gets one answer line `{ id, ... }` (or `{ id, error }`). Closing stdin stops the child.
 */

export type Json = Record<string, unknown>;

export interface ChildHandle {
  /** The child's first line (e.g. the URL it listens on). */
  readonly ready: Json;
  request(cmd: string, args?: Json): Promise<Json>;
  /** Ends stdin and waits for the child to exit. */
  close(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface SpawnOptions {
  /** Node flags for that process only (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** The child's whole environment (default: this process's). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Scheduling niceness (e.g. 10 for the fake infrastructure: in production SNS, Slack and DynamoDB
   * run on other machines, so they should not take the bot's CPU on a shared 2-core box).
   */
  readonly nice?: number;
}

/**
 * Runs `bench/<file>` with tsx's loader (`node --import tsx`: one process, no tsx wrapper) and
 * `args`, and waits for its ready line.
 */
export function spawnTsx(
  file: string,
  args: readonly string[] = [],
  options: SpawnOptions = {},
): Promise<ChildHandle> {
  const entry = fileURLToPath(new URL(file, import.meta.url));
  return start([...(options.nodeArgs ?? []), '--import', 'tsx', entry, ...args], options);
}

/** Runs an ES module script given as text under plain node (e.g. dynalite). */
export function spawnScript(script: string, options: SpawnOptions = {}): Promise<ChildHandle> {
  return start([...(options.nodeArgs ?? []), '--input-type=module', '-e', script], options);
}

function start(args: string[], options: SpawnOptions): Promise<ChildHandle> {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
    ...(options.env ? { env: options.env } : {}),
  });
  if (options.nice !== undefined && child.pid !== undefined) setPriority(child.pid, options.nice);
  return attach(child);
}

async function attach(child: ChildProcess): Promise<ChildHandle> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let onReady: ((v: Json) => void) | undefined;
  const ready = new Promise<Json>((resolve) => {
    onReady = resolve;
  });
  lines.on('line', (line) => {
    let msg: Json;
    try {
      msg = JSON.parse(line) as Json;
    } catch {
      process.stderr.write(`[child ${child.pid}] ${line}\n`);
      return;
    }
    if (onReady) {
      onReady(msg);
      onReady = undefined;
      return;
    }
    const pending = waiting.get(Number(msg.id));
    if (!pending) return;
    waiting.delete(Number(msg.id));
    if (typeof msg.error === 'string') pending.reject(new Error(msg.error));
    else pending.resolve(msg);
  });
  const exited = once(child, 'exit');
  const failed = exited.then(([code]) => {
    const error = new Error(`child ${child.pid} exited with ${String(code)}`);
    for (const p of waiting.values()) p.reject(error);
    waiting.clear();
    throw error;
  });
  failed.catch(() => undefined);
  const readyLine = await Promise.race([ready, failed]);
  return {
    ready: readyLine,
    request(cmd, args = {}) {
      const id = nextId++;
      return new Promise<Json>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.stdin?.write(`${JSON.stringify({ ...args, id, cmd })}\n`);
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      await exited;
    },
  };
}

/**
 * The child's side: prints `ready`, answers each request with `handlers[cmd]`, and calls `onEnd`
 * then exits when stdin closes.
 */
export function serveLines(
  ready: Json,
  handlers: Record<string, (args: Json) => Promise<Json>>,
  onEnd: () => Promise<void>,
): void {
  const write = (msg: Json) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const msg = JSON.parse(line) as Json;
    const handler = handlers[String(msg.cmd)];
    if (!handler) {
      write({ id: msg.id, error: `unknown command ${String(msg.cmd)}` });
      return;
    }
    handler(msg).then(
      (answer) => write({ ...answer, id: msg.id }),
      (error: unknown) =>
        write({ id: msg.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  lines.on('close', () => {
    onEnd().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  });
  write(ready);
}
