import { generateSigningSecret } from '../../src/common/signing-secret';
import { BenchContext, forkBenchChild } from '../context';
import { LeanDrainResult, LeanProtocol } from '../lean/lean-protocol';
import { receiverPath } from '../receiver/receiver-protocol';
import { CpuMeter, type CpuSnapshot } from '../shared/cpu-usage';
import { RpcClient } from '../shared/rpc';
import { ratePerSecond } from '../shared/stats';
import { verifyFirstSignature } from './signature-check';

/** Requests in flight and rows per statement: the product's defaults for one endpoint. */
const LEAN_CONCURRENCY = 16;
const LEAN_BATCH_SIZE = 500;

export interface LeanReferenceResult extends LeanDrainResult {
  backlog: number;
  /** Deliveries/s from the first to the last arrival at the receiver, as for the drain. */
  deliveriesPerSecond: number | null;
  arrived: number;
  signatureValid: boolean | null;
  cpuMicrosPerDelivery: CpuSnapshot;
}

/**
 * (2d) The lean durable reference: the same backlog as (2), loaded straight into its own
 * minimal queue table (loading is not measured), drained by a framework-free sender
 * (bench/lean/lean-sender.ts) to the same receiver. CPU is measured over the drain only.
 */
export async function runLeanReference(ctx: BenchContext): Promise<LeanReferenceResult> {
  const child = forkBenchChild('lean/lean-sender.js');
  const lean = new RpcClient<LeanProtocol>(child, 'lean reference');
  try {
    const backlog = ctx.options.backlog;
    await lean.call('load', { databaseUrl: ctx.db.url, backlog });
    const path = receiverPath('ok', 'lean');
    const secret = generateSigningSecret();
    const cpu = new CpuMeter({ sender: () => child.pid, receiver: () => ctx.receiverPid });
    const before = cpu.snapshot();
    const result = await lean.call('drain', {
      origin: ctx.receiverOrigin,
      path,
      secret,
      concurrency: LEAN_CONCURRENCY,
      batchSize: LEAN_BATCH_SIZE,
      maxMs: ctx.options.drainWaitCapMs ?? 120_000 + backlog * 0.5,
    });
    const used = CpuMeter.since(before, cpu.snapshot());
    const stats = await ctx.receiver.call('stats', { path });
    const signatureValid = await verifyFirstSignature(ctx, path, secret);
    await lean.call('drop', {});
    return {
      ...result,
      backlog,
      deliveriesPerSecond: ratePerSecond(stats.count, stats.firstAt, stats.lastAt),
      arrived: stats.count,
      signatureValid,
      cpuMicrosPerDelivery: CpuMeter.perUnit(used, stats.count),
    };
  } finally {
    child.kill();
  }
}
