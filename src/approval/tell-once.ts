import type { OnceMarks } from '../adapters/store/once.js';
import type { Logger } from '../logger.js';

/** How long a "told" mark is kept: longer than any execution runs, short enough for TTL to clean up. */
export const TOLD_FOR_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Sends something at most once per key across replicas and restarts: claims the key's durable mark first
 * and sends only if the claim is ours; if sending fails the mark is given back (and the failure logged) so
 * a later change retries. Keys this replica saw claimed are remembered, sparing a write per change.
 * If the mark cannot be written at all, it sends anyway: in a disaster a repeated message beats silence.
 */
export function createTellOnce(deps: { readonly marks: OnceMarks; readonly logger: Logger }) {
  const seen = new Set<string>();
  return async (key: string, description: string, send: () => Promise<unknown>): Promise<void> => {
    if (seen.has(key)) return;
    const claimed = await deps.marks.claim(key, TOLD_FOR_MS).catch((error: unknown) => {
      deps.logger.warn({ err: error, key }, `could not mark the ${description} as sent; sending it anyway`);
      return 'unknown' as const;
    });
    if (claimed === false) {
      seen.add(key);
      return;
    }
    try {
      await send();
      seen.add(key);
    } catch (error) {
      deps.logger.warn({ err: error, key }, `${description} failed; it is retried on the next change`);
      if (claimed === true)
        await deps.marks
          .release(key)
          .catch((releaseError: unknown) =>
            deps.logger.warn(
              { err: releaseError, key },
              `could not give back the mark of the failed ${description}; it is not retried`,
            ),
          );
    }
  };
}

export type TellOnce = ReturnType<typeof createTellOnce>;
