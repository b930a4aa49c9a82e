/** Command-line options of `npm start` (after `--`): only `--keep`; anything else is refused with a hint. */
export interface StartArgs {
  readonly keep: boolean;
}

import { didYouMean } from '../domain/did-you-mean.js';

export class UsageError extends Error {}

const KNOWN = ['--keep'] as const;

export function parseStartArgs(argv: readonly string[]): StartArgs {
  let keep = false;
  for (const arg of argv) {
    if (arg === '--keep') keep = true;
    else {
      const hint = didYouMean(arg.replace(/^-*/, '--'), KNOWN);
      throw new UsageError(
        `npm start: unknown option ${arg}${hint ? ` (did you mean ${hint}?)` : ''}. Usage: npm start [-- --keep]`,
      );
    }
  }
  return { keep };
}
