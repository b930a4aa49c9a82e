import { ConfigError } from '../config.js';
import { PlanError } from '../plan/load.js';
import { UsageError } from './args.js';

/**
 * A process that started something closable: stop it on SIGINT/SIGTERM, once, and say when it has stopped
 * (`stopped` is the last line printed).
 */
export function stopOnSignals(
  close: () => Promise<void>,
  log: (msg: string) => void = console.error,
  stopped = 'Stopped.',
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received: finishing in-flight work, then stopping…`);
    close().then(
      () => {
        log(stopped);
        process.exit(0);
      },
      (error: unknown) => {
        log(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function addressInUse(error: unknown): { address?: string; port?: number } | undefined {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return undefined;
  const { address, port } = error as Error & { address?: string; port?: number };
  return { ...(address ? { address } : {}), ...(port !== undefined ? { port } : {}) };
}

/**
 * Turns start-up failures a person can fix into one clear line and exit code 2, without a stack trace: bad
 * configuration, a bad plan, a bad option, a port in use (with the `PORT` hint: `command` is how to start).
 */
export async function runMain(main: () => Promise<void>, command = 'npm start'): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PlanError || error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    const inUse = addressInUse(error);
    if (inUse) {
      const where = `${inUse.address ?? '127.0.0.1'}:${inUse.port ?? '?'}`;
      const next = (inUse.port ?? 3000) + 1;
      console.error(
        `Port ${inUse.port ?? '?'} is already in use (${where}): stop what runs there, or choose another port, e.g. PORT=${next} ${command}`,
      );
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  }
}
