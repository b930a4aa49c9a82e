/** One figure a benchmark reports, compared with its baseline or lower bound in the same run. */
export interface BenchResult {
  /** What was measured, e.g. "readiness: 1,000 resources, wall time". */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The baseline or lower bound the value is compared with (same unit). */
  readonly baseline: number;
  /** value / baseline (or the comparison the target states). */
  readonly ratio: number;
  /** The target in words, e.g. "≤ 1.3x the lower bound". */
  readonly target: string;
  readonly pass: boolean;
}

/** A benchmark file's default export. */
export type Bench = () => Promise<BenchResult[]>;
