import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag that makes a delivering process collect its old generation once it has grown
 * by `percent` past the last full collection's survivors, or null to leave V8's heuristics
 * (percent 0, or a process that only serves the API). Why: WORKER_HEAP_GROWTH_PERCENT.
 */
export function heapGrowthFlag(role: 'all' | 'api' | 'worker', percent: number): string | null {
  if (role === 'api' || percent === 0) return null;
  return `--heap-growing-percent=${percent}`;
}

/**
 * Applies heapGrowthFlag at start-up. V8 reads this flag each time it sets the next
 * collection's limit, so setting it once the process runs takes effect from the next full
 * collection on (measured: BENCHMARKS.md).
 */
export function applyHeapGrowth(role: 'all' | 'api' | 'worker', percent: number): void {
  const flag = heapGrowthFlag(role, percent);
  if (flag !== null) setFlagsFromString(flag);
}
