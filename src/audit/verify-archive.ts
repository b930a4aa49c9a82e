import { parseCheckpoint, parseEntry } from './store.js';
import type { VerifyReport } from './types.js';
import { createVerifier } from './verify.js';

/**
 * Verifies a JSON Lines archive (one or more archiveDay() files, concatenated in day order):
 * every chain from seq 1, every checkpoint's hash and the chains' heads against it, and the links
 * between consecutive checkpoints. The first checkpoint's link to an earlier day is not checked
 * unless `previousCheckpointLine` (that day's last line) is given.
 */
export async function verifyArchive(
  lines: Iterable<string> | AsyncIterable<string>,
  options: { readonly previousCheckpointLine?: string } = {},
): Promise<VerifyReport> {
  const previous = options.previousCheckpointLine
    ? parseCheckpoint(JSON.parse(options.previousCheckpointLine) as Record<string, unknown>)
    : undefined;
  const verifier = createVerifier({
    previousCheckpoint: typeof previous === 'object' ? previous : 'unknown',
  });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      verifier.addMalformed({ day: `line ${lineNo}` }, `line ${lineNo} is not JSON`);
      continue;
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      verifier.addMalformed({ day: `line ${lineNo}` }, `line ${lineNo} is not a JSON object`);
      continue;
    }
    const fields = record as Record<string, unknown>;
    const parsed = fields.record === 'checkpoint' ? parseCheckpoint(fields) : parseEntry(fields);
    if (typeof parsed === 'string')
      verifier.addMalformed({ day: `line ${lineNo}` }, `line ${lineNo}: ${parsed}`);
    else if ('seq' in parsed) verifier.addEntry(parsed);
    else verifier.addCheckpoint(parsed);
  }
  return verifier.finish();
}
