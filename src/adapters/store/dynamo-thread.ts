import { Worker } from 'node:worker_threads';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRateWatch } from './call-rate.js';
import { createDocumentClient, type StateEndpoint } from './client.js';
import {
  createBatcher,
  type FromThread,
  isThreadCommandName,
  THREAD_COMMANDS,
  type ThreadCommandName,
  type ThreadError,
  type ThreadInit,
  type ToThread,
} from './thread-protocol.js';

/**
 * A DocumentClient whose commands run on a worker thread (dynamo-worker.ts) with its own real SDK
 * client. The AWS SDK costs about a millisecond of CPU per call (middleware, SigV4, marshalling,
 * the HTTP client); during an alarm storm that is most of the main thread's work, and a Slack
 * command waiting behind it misses its latency target. Here the main thread only posts the
 * command's input and gets the output back (tens of microseconds); Bolt's handlers, the HTTP
 * server and the timers keep the event loop (docs/alarms.md, Benchmark).
 *
 * Same contract as the SDK client: errors come back as the SDK's own exception classes
 * (`instanceof ConditionalCheckFailedException` holds), `abortSignal` works, `destroy()` releases
 * the thread. If the thread dies, calls in flight fail (their outcome unknown, as with a lost
 * connection) and the next call starts a new one (deferred: calls run in this thread until the rate
 * starts a new one).
 */

export type AbortSignalLike = { readonly aborted: boolean } & Pick<
  AbortSignal,
  'addEventListener' | 'removeEventListener'
>;

interface Pending {
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/**
 * The worker's entry is this module's sibling. Compiled (`npm run build`, production) it is
 * `dynamo-worker.js` and the thread imports it as is; run from TypeScript (tsx: the sandbox, tests)
 * a small CommonJS bootstrap registers tsx's loader in the thread first (`--import tsx` in a worker's
 * execArgv is not applied before its entry loads). Production never resolves tsx (a dev dependency).
 */
const BOOTSTRAP = `const { workerData } = require('node:worker_threads');
(workerData.tsx ? import(workerData.tsx).then((tsx) => tsx.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .catch((error) => setImmediate(() => { throw error; }));`;

/** Where the worker thread starts: the compiled sibling, or the TypeScript one through tsx. */
export function workerEntry(moduleUrl: string): { readonly entry: string; readonly tsx?: string } {
  if (moduleUrl.endsWith('.js')) return { entry: new URL('./dynamo-worker.js', moduleUrl).href };
  return { entry: new URL('./dynamo-worker.ts', moduleUrl).href, tsx: import.meta.resolve('tsx/esm/api') };
}

/** The SDK's exception class for an error that crossed, so `instanceof` checks keep working. */
export function rebuildError(error: ThreadError): Error {
  const candidate: unknown = (dynamodb as Record<string, unknown>)[error.name];
  if (typeof candidate === 'function' && candidate.prototype instanceof dynamodb.DynamoDBServiceException) {
    const Exception = candidate as new (options: Record<string, unknown>) => Error;
    return new Exception({ ...error.fields, message: error.message });
  }
  return Object.assign(new Error(error.message), error.fields, { name: error.name });
}

const abortError = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });

const NAMES = new Map<unknown, ThreadCommandName>(
  Object.keys(THREAD_COMMANDS)
    .filter(isThreadCommandName)
    .map((name) => [THREAD_COMMANDS[name], name]),
);
const commandName = (command: object) => NAMES.get(command.constructor);

const threads = new WeakMap<object, () => Worker | undefined>();

/** The worker thread behind a threaded client, if one is running (tests: to make it die). */
export const threadOf = (client: object): Worker | undefined => threads.get(client)?.();

const releases = new WeakMap<object, () => void>();
type SdkCommand = Parameters<DynamoDBDocumentClient['send']>[0];
type SdkOptions = Parameters<DynamoDBDocumentClient['send']>[1];

/**
 * Lets a client made with `deferred` start its thread when its call rate warrants it (a no-op for
 * others). The bot calls it once ready (src/main.ts): the start's calls never start the thread.
 */
export const releaseThread = (client: object): void => releases.get(client)?.();

/** When a deferred client runs its calls on the thread (docs/alarms.md, "Cold start and idle RSS"). */
export interface OnDemand {
  /** The thread starts on a call that is more than this many in a sliding second (0: on the first call). */
  readonly callsPerSecond: number;
  /** A running, idle thread stops once no second has been over the rate for this long. */
  readonly quietMs: number;
  /** The clock of the rate and the quiet spell (tests). */
  readonly now?: () => number;
  /** Told when the rate starts the thread and when a quiet spell stops it (the bot logs it). */
  readonly onChange?: (running: boolean) => void;
}

export function createThreadedDocumentClient(
  state: StateEndpoint,
  options: {
    /**
     * Calls run in this thread, on the facade's own SDK client, until `releaseThread(client)` has been
     * called, then the call rate has gone over `callsPerSecond` (which starts the thread) and the thread
     * has loaded its SDK; after a quiet spell the thread stops and calls run here again. A bot that is
     * starting or idle has no second V8 isolate (~25 MB) and waits for none to load; a storm gets one
     * (docs/alarms.md, "Cold start and idle RSS of the compiled bot").
     * Default: the thread starts on the first call, which waits for it, and runs until `destroy()`.
     */
    readonly deferred?: OnDemand;
  } = {},
): DynamoDBDocumentClient {
  // A real client for the type and its configuration; its own `send` is replaced below (and, while
  // deferred, is the one that runs the calls).
  const facade = createDocumentClient(state);
  const direct = facade.send.bind(facade) as (command: SdkCommand, options?: SdkOptions) => Promise<unknown>;
  const onDemand = options.deferred;
  const now = onDemand?.now ?? Date.now;
  const rate = onDemand && createRateWatch(onDemand.callsPerSecond, 1_000);
  // Deferred: calls run directly until released, busy enough to start the thread, and the thread has loaded.
  let released = false;
  let loaded = false;
  let lastBusyAt = Number.NEGATIVE_INFINITY;
  let quietCheck: NodeJS.Timeout | undefined;
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let toThread: ((message: ToThread) => void) | undefined;
  let nextId = 1;
  let destroyed = false;

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  function started(): (message: ToThread) => void {
    if (worker && toThread) return toThread;
    loaded = false;
    const init: ThreadInit & { tsx?: string; entry: string } = { state, ...workerEntry(import.meta.url) };
    const w = new Worker(BOOTSTRAP, { eval: true, workerData: init });
    w.on('message', (batch: FromThread[]) => {
      for (const message of batch) {
        if (message.kind === 'loaded') {
          if (worker === w) loaded = true;
          continue;
        }
        const p = take(message.id);
        if (message.kind === 'ok') p?.resolve(message.output);
        else p?.reject(rebuildError(message.error));
      }
    });
    // Only the current thread's events fail calls: one stopped for being idle (`stopIfQuiet`) had none left.
    w.on('error', (error) => worker === w && failAll(error));
    // An answer batch that cannot be deserialized: its calls cannot be told apart, so all fail.
    w.on('messageerror', (error) => worker === w && failAll(error));
    w.on('exit', (code) => {
      if (worker !== w) return;
      worker = undefined;
      failAll(new Error(`the DynamoDB thread exited (code ${code}); the call's outcome is unknown`));
    });
    // Idle, the thread does not keep the process alive; a call in flight does (see `settled`).
    w.unref();
    worker = w;
    if (onDemand && !quietCheck) {
      // Also stops a thread that no call comes to any more (the check on each call cannot).
      quietCheck = setInterval(stopIfQuiet, Math.max(1_000, onDemand.quietMs / 10));
      quietCheck.unref();
    }
    toThread = createBatcher<ToThread>(
      (batch) => w.postMessage(batch),
      // Only a send can be refused (a function or Symbol in its input): that call fails with the DataCloneError.
      (message, error) => take(message.id)?.reject(error instanceof Error ? error : new Error(String(error))),
    );
    return toThread;
  }

  /** Deferred: the thread, idle and quiet for `quietMs`, stops; calls run in this thread until the rate starts another. */
  function stopIfQuiet(): void {
    const w = worker;
    if (!onDemand || !w || pending.size > 0 || now() - lastBusyAt < onDemand.quietMs) return;
    worker = undefined;
    toThread = undefined;
    loaded = false;
    clearInterval(quietCheck);
    quietCheck = undefined;
    void w.terminate();
    onDemand.onChange?.(false);
  }

  /** Deferred: counts the call; a call over the rate starts the thread (loading while calls run here). */
  function watchRate(): void {
    if (!onDemand || !rate || !released) return;
    if (rate.record(now())) {
      lastBusyAt = now();
      if (worker) return;
      try {
        started();
      } catch {
        // The thread cannot start (e.g. tsx cannot be resolved): calls keep running here.
        return;
      }
      onDemand.onChange?.(true);
    } else stopIfQuiet();
  }

  function settled(id: number): void {
    pending.delete(id);
    if (pending.size === 0) worker?.unref();
  }

  /** The call `id` if still pending, now settled. */
  function take(id: number): Pending | undefined {
    const p = pending.get(id);
    if (p) settled(id);
    return p;
  }

  function send(command: object, options?: { abortSignal?: AbortSignalLike }): Promise<unknown> {
    if (destroyed) return Promise.reject(new Error('the DynamoDB client was destroyed'));
    watchRate();
    // The commands a threaded client is given are the SDK's own (lib-dynamodb's and client-dynamodb's).
    if (onDemand && !(worker && loaded)) return direct(command as SdkCommand, options as SdkOptions);
    const name = commandName(command);
    if (!name) {
      return Promise.reject(
        new Error(`${command.constructor.name} does not run on the DynamoDB thread (thread-protocol.ts)`),
      );
    }
    const signal = options?.abortSignal;
    if (signal?.aborted) return Promise.reject(abortError());
    let post: (message: ToThread) => void;
    try {
      post = started();
    } catch (error) {
      // e.g. tsx cannot be resolved, or the thread cannot start: a rejected call, as the SDK would.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!pending.has(id)) return;
        settled(id);
        post({ kind: 'abort', id });
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      pending.set(id, {
        resolve: (output) => {
          done();
          resolve(output);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      if (pending.size === 1) worker?.ref();
      post({ kind: 'send', id, command: name, input: (command as { input: unknown }).input });
    });
  }

  threads.set(facade, () => worker);
  releases.set(facade, () => {
    released = true;
  });
  return Object.assign(facade, {
    send,
    destroy() {
      destroyed = true;
      clearInterval(quietCheck);
      failAll(new Error('the DynamoDB client was destroyed'));
      void worker?.terminate();
      worker = undefined;
    },
  });
}
