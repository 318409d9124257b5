import { BenchContext } from '../context';
import { IngestResult } from '../loadgen/loadgen-protocol';
import { receiverPath } from '../receiver/receiver-protocol';
import { CpuMeter, type CpuSnapshot } from '../shared/cpu-usage';
import { retireEndpoints } from './delivery-counts';

export interface IngestScenarioResult extends IngestResult {
  openAfterCleanup: number;
  /** CPU microseconds per accepted message: API process, PostgreSQL, load generator. */
  cpuMicrosPerMessage: CpuSnapshot;
}

/**
 * (3) Single-message ingest: 64 concurrent clients POST /messages to an app with one matching
 * endpoint; only the API process runs, so the figure is the durable accept rate (each 202
 * follows the commit of the message and its delivery row). The deliveries are cancelled
 * afterwards by deleting the endpoint.
 */
export async function runIngestScenario(ctx: BenchContext): Promise<IngestScenarioResult> {
  const appId = await ctx.admin.createApp('bench-ingest');
  const endpointId = await ctx.admin.createEndpoint(
    appId,
    ctx.receiverOrigin + receiverPath('ok', 'ingest'),
  );
  const cpu = new CpuMeter({ api: () => ctx.api.pid, loadgen: () => ctx.loadgenPid });
  const before = cpu.snapshot();
  const result = await ctx.loadgen.call('ingest', {
    origin: ctx.api.origin,
    apiKey: ctx.apiKey,
    appId,
    concurrency: ctx.options.ingestConcurrency,
    count: ctx.options.ingestCount,
    maxMs: ctx.options.ingestMaxMs,
  });
  const cpuMicrosPerMessage = CpuMeter.perUnit(
    CpuMeter.since(before, cpu.snapshot()),
    result.accepted,
  );
  if (result.accepted === 0) throw new Error(`ingest: nothing accepted: ${result.firstError}`);
  return {
    ...result,
    openAfterCleanup: await retireEndpoints(ctx, appId, [endpointId]),
    cpuMicrosPerMessage,
  };
}
