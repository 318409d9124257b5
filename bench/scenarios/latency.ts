import { BenchContext } from '../context';
import { SteadyResult } from '../loadgen/loadgen-protocol';
import { receiverPath } from '../receiver/receiver-protocol';
import { LatencySummary, summarise } from '../shared/stats';
import { retireEndpoints } from './delivery-counts';
import { waitForArrivals } from './wait-for-arrivals';

export interface LatencyResult {
  steady: Omit<SteadyResult, 'acceptedAt'>;
  /** 202 received by the client → request arrived at the receiver, per message. */
  endToEndMs: LatencySummary;
  /** Accepted messages whose delivery never reached the receiver (within the wait). */
  undelivered: number;
  /** Deliveries that arrived before the client had read the 202 (negative latency). */
  arrivedBefore202: number;
  openAfterCleanup: number;
}

/**
 * (4) End-to-end latency: the API and one worker run together; the load generator sends
 * messages open-loop at a steady rate and records when each 202 arrived; the receiver
 * records when each `webhook-id` arrived. Both use the same machine clock.
 */
export async function runLatency(ctx: BenchContext): Promise<LatencyResult> {
  const appId = await ctx.admin.createApp('bench-latency');
  const path = receiverPath('timed', 'latency');
  const endpointId = await ctx.admin.createEndpoint(appId, ctx.receiverOrigin + path);
  const worker = await ctx.startWorker('latency');
  let steady: SteadyResult;
  try {
    steady = await ctx.loadgen.call('steady', {
      target: { kind: 'service', origin: ctx.api.origin, apiKey: ctx.apiKey, appId },
      ratePerSecond: ctx.options.latencyRate,
      durationMs: ctx.options.latencyMs,
      warmupMs: ctx.options.latencyWarmupMs,
      maxInFlight: 2_000,
    });
    await waitForArrivals(ctx, path, steady.accepted, 30_000, 10_000);
  } finally {
    await worker.stop();
  }
  const arrivals = new Map(await ctx.receiver.call('arrivals', { path }));
  const samples: number[] = [];
  for (const [id, acceptedAt] of steady.acceptedAt) {
    const arrivedAt = arrivals.get(id);
    if (arrivedAt !== undefined) samples.push(arrivedAt - acceptedAt);
  }
  const { acceptedAt, ...rest } = steady;
  return {
    steady: rest,
    endToEndMs: summarise(samples),
    undelivered: acceptedAt.length - samples.length,
    arrivedBefore202: samples.filter((s) => s < 0).length,
    openAfterCleanup: await retireEndpoints(ctx, appId, [endpointId]),
  };
}
