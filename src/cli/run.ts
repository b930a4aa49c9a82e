import { ConfigError } from '../config.js';
import { PlanError } from '../plan/load.js';

/** A process that started something closable: stop it on SIGINT/SIGTERM, once. */
export function stopOnSignals(close: () => Promise<void>, log: (msg: string) => void = console.error): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received: finishing in-flight work, then stopping…`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Turns start-up failures a person can fix into one clear message and exit code 2, without a stack trace. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PlanError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  }
}
