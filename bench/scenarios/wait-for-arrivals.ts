import { BenchContext } from '../context';
import { PathStats } from '../receiver/receiver-protocol';
import { sleep } from '../shared/clock';

const POLL_MS = 200;

/**
 * Polls the receiver (cheap) until `path` has seen `target` requests. Bounded: gives up after
 * `timeoutMs`, or after `stallMs` without a single new arrival. Returns the last stats.
 */
export async function waitForArrivals(
  ctx: BenchContext,
  path: string,
  target: number,
  timeoutMs: number,
  stallMs = 30_000,
): Promise<PathStats & { complete: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let last = await ctx.receiver.call('stats', { path });
  let lastProgressAt = Date.now();
  while (last.count < target && Date.now() < deadline && Date.now() - lastProgressAt < stallMs) {
    await sleep(POLL_MS);
    const stats = await ctx.receiver.call('stats', { path });
    if (stats.count > last.count) lastProgressAt = Date.now();
    last = stats;
  }
  return { ...last, complete: last.count >= target };
}
