import { generateSigningSecret } from '../../src/common/signing-secret';
import { BenchContext } from '../context';
import { RawLoopResult, SteadyResult } from '../loadgen/loadgen-protocol';
import { receiverPath } from '../receiver/receiver-protocol';
import { CpuMeter, type CpuSnapshot } from '../shared/cpu-usage';

export interface RawLimitResult {
  /** The best of the tried concurrencies: the ceiling every drain is compared with. */
  deliveriesPerSecond: number;
  byConcurrency: Array<{ concurrency: number } & RawLoopResult>;
  /** The bare loop at the latency scenario's steady rate: the floor of one signed POST. */
  steady: SteadyResult | null;
  /** CPU microseconds per request of the load generator and the receiver, in the best run. */
  cpuMicrosPerRequest: CpuSnapshot;
}

/**
 * One signed POST at a time to the receiver (no persistence): the round trip that bounds a
 * single FIFO key, which has one delivery in flight at a time. Median, in milliseconds.
 */
export async function receiverRoundTripMs(ctx: BenchContext): Promise<number | null> {
  const result = await ctx.loadgen.call('raw', {
    origin: ctx.receiverOrigin,
    path: receiverPath('ok', 'raw-sequential'),
    secret: generateSigningSecret(),
    concurrency: 1,
    count: 500,
    maxMs: 2_000,
  });
  return result.latencyMs.p50;
}

/**
 * (1) The raw limit: a bare undici loop, signing every request, against the same receiver.
 * Tried at the worker's default per-endpoint concurrency (16) and higher; the best counts.
 */
export async function runRawLimit(ctx: BenchContext, withSteady: boolean): Promise<RawLimitResult> {
  const { options } = ctx;
  const secret = generateSigningSecret();
  const byConcurrency: RawLimitResult['byConcurrency'] = [];
  const cpu = new CpuMeter({ loadgen: () => ctx.loadgenPid, receiver: () => ctx.receiverPid });
  const cpuByConcurrency: CpuSnapshot[] = [];
  for (const concurrency of options.rawConcurrencies) {
    const before = cpu.snapshot();
    const result = await ctx.loadgen.call('raw', {
      origin: ctx.receiverOrigin,
      path: receiverPath('ok', `raw-${concurrency}`),
      secret,
      concurrency,
      count: options.rawCount,
      maxMs: options.rawMaxMs,
    });
    byConcurrency.push({ concurrency, ...result });
    cpuByConcurrency.push(
      CpuMeter.perUnit(CpuMeter.since(before, cpu.snapshot()), result.completed),
    );
  }
  const rates = byConcurrency.map((r) => r.requestsPerSecond);
  const best = rates.indexOf(Math.max(...rates));
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
    deliveriesPerSecond: rates[best],
    byConcurrency,
    steady,
    cpuMicrosPerRequest: cpuByConcurrency[best],
  };
}
