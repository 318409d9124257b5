/** Percentile by nearest rank on a sorted copy; null for an empty sample. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? null : sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? null : sorted[sorted.length - 1],
    mean,
  };
}

/** Events per second over [first, last] arrival: n events span n - 1 intervals. */
export function ratePerSecond(
  count: number,
  firstAt: number | null,
  lastAt: number | null,
): number | null {
  if (count < 2 || firstAt === null || lastAt === null || lastAt <= firstAt) return null;
  return ((count - 1) * 1000) / (lastAt - firstAt);
}
