import { BenchContext } from '../context';
import { BatchLoadResult } from '../loadgen/loadgen-protocol';
import { Behaviour, PathStats, receiverPath } from '../receiver/receiver-protocol';
import { CpuMeter, type CpuSnapshot } from '../shared/cpu-usage';
import { ratePerSecond } from '../shared/stats';
import { deliveryCounts, retireEndpoints, waitForRecorded } from './delivery-counts';
import { verifyFirstSignature } from './signature-check';
import { waitForArrivals } from './wait-for-arrivals';

export interface DrainSpec {
  tag: string;
  backlog: number;
  /** Extra endpoints of the same app receiving every message too (isolation: 'hole', 'fail'). */
  noisyEndpoints: Behaviour[];
  /** A FIFO endpoint, the backlog spread round-robin over this many ordering keys. */
  fifoKeys?: number;
}

export interface DrainResult {
  tag: string;
  backlog: number;
  load: BatchLoadResult;
  pendingBeforeDrain: number;
  complete: boolean;
  delivered: number;
  /** Healthy deliveries/s from the first to the last arrival at the receiver. */
  deliveriesPerSecond: number | null;
  /** Delivered / (last arrival − worker spawn): includes the worker's boot. */
  deliveriesPerSecondFromSpawn: number | null;
  workerBootMs: number;
  workerIdleRssMb: number | null;
  workerPeakRssMb: number | null;
  deliveryStatusAfter: Record<string, number>;
  signatureValid: boolean | null;
  noisy: PathStats[];
  openAfterCleanup: number;
  /**
   * CPU seconds per process from the worker's readiness to the last arrival, and the same in
   * microseconds per healthy delivery: steadier than the rate on a shared machine.
   */
  cpuSeconds: CpuSnapshot;
  cpuMicrosPerDelivery: CpuSnapshot;
  /** CPU microseconds per message while the backlog was loaded through the batch API. */
  loadCpuMicrosPerMessage: CpuSnapshot;
}

/**
 * A backlog drained by one worker process. The API process (ROLE=api) loads the backlog
 * through the batch API while no worker runs, so nothing is delivered early; then one
 * ROLE=worker process starts and drains it. The rate is measured at the receiver.
 */
export async function runDrain(ctx: BenchContext, spec: DrainSpec): Promise<DrainResult> {
  const { options, admin, receiverOrigin } = ctx;
  const appId = await admin.createApp(`bench-${spec.tag}`);
  const healthyPath = receiverPath('ok', spec.tag);
  // BENCH_SHAPED_ENDPOINT=1: the drained endpoint shapes its bodies (payload mode, two
  // omitted members, eventTypeField), to measure the shaping's cost per delivery.
  const shaped =
    process.env.BENCH_SHAPED_ENDPOINT === '1'
      ? {
          bodyFormat: 'payload',
          omitFields: ['customer.email', 'lines'],
          eventTypeAliases: { 'invoice.paid': 'invoice_paid' },
          eventTypeField: 'event_type',
        }
      : {};
  const healthyId = await admin.createEndpoint(appId, receiverOrigin + healthyPath, {
    ...shaped,
    ...(spec.fifoKeys === undefined ? {} : { ordering: 'fifo' }),
  });
  const noisyPaths = spec.noisyEndpoints.map((b) => receiverPath(b, spec.tag));
  const noisyIds: string[] = [];
  for (const path of noisyPaths)
    noisyIds.push(await admin.createEndpoint(appId, receiverOrigin + path));
  const secret = await admin.endpointSecret(appId, healthyId);

  const loadCpu = new CpuMeter({ api: () => ctx.api.pid, loadgen: () => ctx.loadgenPid });
  const beforeLoad = loadCpu.snapshot();
  const load = await ctx.loadgen.call('batchLoad', {
    origin: ctx.api.origin,
    apiKey: ctx.apiKey,
    appId,
    total: spec.backlog,
    batchSize: options.batchSize,
    concurrency: options.batchConcurrency,
    orderingKeys: spec.fifoKeys,
  });
  const loadCpuMicrosPerMessage = CpuMeter.perUnit(
    CpuMeter.since(beforeLoad, loadCpu.snapshot()),
    spec.backlog,
  );
  if (load.errors > 0)
    throw new Error(`backlog load failed (${load.errors} errors): ${load.firstError}`);
  const pendingBeforeDrain = (await deliveryCounts(ctx, [healthyId])).pending ?? 0;

  const spawnAt = Date.now();
  const worker = await ctx.startWorker(spec.tag);
  const workerBootMs = Date.now() - spawnAt;
  const workerIdleRssMb = worker.rssMb();
  const cpu = new CpuMeter({ worker: () => worker.pid, receiver: () => ctx.receiverPid });
  const cpuBefore = cpu.snapshot();
  const timeoutMs = options.drainWaitCapMs ?? 120_000 + spec.backlog * 0.5;
  const stats = await waitForArrivals(ctx, healthyPath, spec.backlog, timeoutMs);
  // The worker's last record writes come after the last arrival: count them too.
  if (stats.complete) await waitForRecorded(ctx, healthyId, spec.backlog);
  const cpuSeconds = CpuMeter.since(cpuBefore, cpu.snapshot());
  const workerPeakRssMb = worker.peakRssMb();
  const noisy = await Promise.all(noisyPaths.map((path) => ctx.receiver.call('stats', { path })));
  await worker.stop();

  const deliveryStatusAfter = await deliveryCounts(ctx, [healthyId]);
  const signatureValid = await verifyFirstSignature(ctx, healthyPath, secret);
  const openAfterCleanup = await retireEndpoints(ctx, appId, [healthyId, ...noisyIds]);
  return {
    tag: spec.tag,
    backlog: spec.backlog,
    load,
    pendingBeforeDrain,
    complete: stats.complete,
    delivered: stats.count,
    deliveriesPerSecond: ratePerSecond(stats.count, stats.firstAt, stats.lastAt),
    deliveriesPerSecondFromSpawn:
      stats.lastAt === null ? null : (stats.count * 1000) / (stats.lastAt - spawnAt),
    workerBootMs,
    workerIdleRssMb,
    workerPeakRssMb,
    deliveryStatusAfter,
    signatureValid,
    noisy,
    openAfterCleanup,
    cpuSeconds,
    cpuMicrosPerDelivery: CpuMeter.perUnit(cpuSeconds, stats.count),
    loadCpuMicrosPerMessage,
  };
}
