/** Reconnect delay after `failures` consecutive failures: 250 ms doubling up to 30 s. */
export function reconnectDelayMs(failures: number): number {
  return Math.min(30_000, 250 * 2 ** Math.max(0, failures - 1));
}
