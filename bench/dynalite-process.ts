import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * dynalite (in memory) in a child process on 127.0.0.1: a benchmark's figures then measure Lifeboat's
 * process alone, as they would against DynamoDB, and the database work runs on the other core.
 */
export async function startDynaliteProcess(): Promise<{ endpoint: string; child: ChildProcess }> {
  const script = `import dynalite from 'dynalite';
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify(server.address()) + '\\n'));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [chunk] = (await Promise.race([
    once(child.stdout as NodeJS.ReadableStream, 'data'),
    once(child, 'exit'),
  ])) as [Buffer];
  const { port } = JSON.parse(String(chunk)) as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, child };
}

/** Ends the dynalite child and waits for it to exit. */
export async function stopDynaliteProcess(dynamo: { child: ChildProcess }): Promise<void> {
  dynamo.child.stdin?.end();
  if (dynamo.child.exitCode === null) await once(dynamo.child, 'exit');
}
