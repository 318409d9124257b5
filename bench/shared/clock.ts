/**
 * Wall-clock milliseconds with sub-millisecond resolution. Every bench process uses this, so
 * a 202 time recorded by the load generator and an arrival time recorded by the receiver
 * are comparable (same machine, same clock).
 */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
