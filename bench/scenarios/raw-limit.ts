import { generateSigningSecret } from '../../src/common/signing-secret';
import { BenchContext } from '../context';
import { RawLoopResult, SteadyResult } from '../loadgen/loadgen-protocol';
import { receiverPath } from '../receiver/receiver-protocol';

export interface RawLimitResult {
  /** The best of the tried concurrencies: the ceiling every drain is compared with. */
  deliveriesPerSecond: number;
  byConcurrency: Array<{ concurrency: number } & RawLoopResult>;
  /** The bare loop at the latency scenario's steady rate: the floor of one signed POST. */
  steady: SteadyResult | null;
}

/**
 * (1) The raw limit: a bare undici loop, signing every request, against the same receiver.
 * Tried at the worker's default per-endpoint concurrency (16) and higher; the best counts.
 */
export async function runRawLimit(ctx: BenchContext, withSteady: boolean): Promise<RawLimitResult> {
  const { options } = ctx;
  const secret = generateSigningSecret();
  const byConcurrency: RawLimitResult['byConcurrency'] = [];
  for (const concurrency of options.rawConcurrencies) {
    const result = await ctx.loadgen.call('raw', {
      origin: ctx.receiverOrigin,
      path: receiverPath('ok', `raw-${concurrency}`),
      secret,
      concurrency,
      count: options.rawCount,
      maxMs: options.rawMaxMs,
    });
    byConcurrency.push({ concurrency, ...result });
  }
  let steady: RawLimitResult['steady'] = null;
  if (withSteady) {
    const result = await ctx.loadgen.call('steady', {
      target: {
        kind: 'raw',
        origin: ctx.receiverOrigin,
        path: receiverPath('ok', 'raw-steady'),
        secret,
      },
      ratePerSecond: options.latencyRate,
      durationMs: options.rawSteadyMs,
      warmupMs: options.latencyWarmupMs,
      maxInFlight: 1_000,
    });
    // The ids only matter to the latency join; 5,000 of them would bloat the results file.
    steady = { ...result, acceptedAt: [] };
  }
  return {
    deliveriesPerSecond: Math.max(...byConcurrency.map((r) => r.requestsPerSecond)),
    byConcurrency,
    steady,
  };
}
