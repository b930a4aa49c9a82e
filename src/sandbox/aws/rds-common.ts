import { awsError } from './errors.js';
import { emitChange, type World } from './world.js';

export const rdsFault = (name: string, message: string) =>
  awsError('rds', name, message, name.endsWith('NotFoundFault') ? 404 : 400);

/** Runs `fn` a realistic `duration` after `at`, in scaled clock time. */
export const after = (w: World, at: number, duration: number, fn: (at: number) => void) =>
  w.scheduler.at(at + w.time.toClock(duration), fn);

export function setStatus(
  w: World,
  kind: string,
  entity: { id: string; status: string; region?: string },
  status: string,
) {
  const from = entity.status;
  entity.status = status;
  emitChange(w, kind, entity.id, { region: entity.region, from, to: status });
}
