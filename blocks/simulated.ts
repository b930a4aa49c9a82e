import { escapeText } from './escape.js';

/** " _(simulated AWS at 60x)_" after figures that are not wall-clock time (the sandbox); empty for real ones. */
export const simulated = (timeNote: string | undefined): string =>
  timeNote ? ` _(${escapeText(timeNote)})_` : '';

/** A card's context line saying its durations are not wall-clock time. */
export const simulatedDurations = (timeNote: string): string =>
  `:information_source: Durations are ${escapeText(timeNote)}, not measured on real AWS.`;

/** " _(drill timings in simulated AWS at 60x)_" after an estimate built on drill durations that are not wall-clock time. */
export const simulatedDrillTimings = (timeNote: string | undefined): string =>
  timeNote ? ` _(drill timings in ${escapeText(timeNote)})_` : '';
