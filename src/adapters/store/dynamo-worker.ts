import { parentPort, workerData } from 'node:worker_threads';
import { createDocumentClient } from './client.js';
import {
  createBatcher,
  describeError,
  type FromThread,
  THREAD_COMMANDS,
  type ThreadAnswer,
  type ThreadInit,
  type ToThread,
} from './thread-protocol.js';

/**
 * The DynamoDB thread's entry (started by dynamo-thread.ts): one real DocumentClient, which runs
 * every command the main thread sends and answers with its output or its error. Requests run
 * concurrently, as on any client; an `abort` aborts that request's signal.
 */

const port = parentPort;
if (!port) throw new Error('dynamo-worker.ts runs as a worker thread (see dynamo-thread.ts)');
const { state } = workerData as ThreadInit;
const client = createDocumentClient(state);
const aborts = new Map<number, AbortController>();

// An output structured clone refuses fails that call alone (the thread and the other answers live on).
const answer = createBatcher<ThreadAnswer>(
  (batch) => port.postMessage(batch),
  (message, error) => port.postMessage([{ kind: 'error', id: message.id, error: describeError(error) }]),
);

async function run(id: number, name: keyof typeof THREAD_COMMANDS, input: unknown): Promise<void> {
  const abort = new AbortController();
  aborts.set(id, abort);
  try {
    // The class matches the name, so the input is that command's input (checked by the caller's types).
    const Command = THREAD_COMMANDS[name] as unknown as new (
      input: unknown,
    ) => Parameters<typeof client.send>[0];
    const output = await client.send(new Command(input), { abortSignal: abort.signal });
    answer({ kind: 'ok', id, output });
  } catch (error) {
    answer({ kind: 'error', id, error: describeError(error) });
  } finally {
    aborts.delete(id);
  }
}

port.on('message', (batch: ToThread[]) => {
  for (const message of batch) {
    if (message.kind === 'abort') aborts.get(message.id)?.abort();
    else void run(message.id, message.command, message.input);
  }
});
// Everything above is loaded: a client that deferred its thread sends its calls here from now on.
port.postMessage([{ kind: 'loaded' } satisfies FromThread]);
