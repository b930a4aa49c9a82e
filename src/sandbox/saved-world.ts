import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedCloud } from './aws/index.js';
import type { SavedWorkspace } from './slack/index.js';

/**
 * The sandbox is one world: the bot's state (embedded DynamoDB under `<dataDir>/dynamodb`), the workspace's
 * messages and the simulated cloud are kept together or reset together. The workspace and cloud are saved in
 * one file when the sandbox stops; a running sandbox that continued the world has consumed it, so a crash (nothing saved)
 * makes the next continued start a fresh one rather than a bot remembering a world that is gone.
 */
export interface SavedWorld {
  readonly version: 1;
  readonly savedAt: string;
  readonly workspace: SavedWorkspace;
  readonly cloud: SavedCloud;
}

export type WorldStart =
  | { readonly kind: 'fresh'; readonly why: 'default' | 'nothing-saved' }
  | { readonly kind: 'kept'; readonly saved: SavedWorld };

const WORLD_FILE = 'sandbox-world.json';
/** What the sandbox owns in the data folder (nothing else there is touched). */
const OWNED = ['dynamodb', WORLD_FILE];

async function wipe(dataDir: string): Promise<void> {
  for (const name of OWNED) await rm(join(dataDir, name), { recursive: true, force: true });
}

/** Resets the world (default), or takes the saved one to continue it (`keep`). */
export async function beginWorld(dataDir: string, keep: boolean): Promise<WorldStart> {
  if (!keep) {
    await wipe(dataDir);
    return { kind: 'fresh', why: 'default' };
  }
  let saved: SavedWorld | undefined;
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, WORLD_FILE), 'utf8')) as Partial<SavedWorld>;
    if (parsed.version === 1 && parsed.workspace && parsed.cloud) saved = parsed as SavedWorld;
  } catch {
    saved = undefined;
  }
  if (!saved) {
    await wipe(dataDir);
    return { kind: 'fresh', why: 'nothing-saved' };
  }
  return { kind: 'kept', saved };
}

/** Once the continued world runs, its saved copy is consumed (a start that failed leaves it for the next try). */
export async function consumeSavedWorld(dataDir: string): Promise<void> {
  await rm(join(dataDir, WORLD_FILE), { force: true });
}

/** Saves the workspace and the cloud next to the bot's state (atomically: written aside, then renamed). */
export async function saveWorld(
  dataDir: string,
  world: Omit<SavedWorld, 'version' | 'savedAt'>,
): Promise<void> {
  const file = join(dataDir, WORLD_FILE);
  const body: SavedWorld = { version: 1, savedAt: new Date().toISOString(), ...world };
  await writeFile(`${file}.tmp`, JSON.stringify(body));
  await rename(`${file}.tmp`, file);
}
