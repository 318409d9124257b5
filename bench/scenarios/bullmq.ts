import { connect } from 'node:net';
import { generateSigningSecret } from '../../src/common/signing-secret';
import { BullmqProtocol } from '../bullmq/bullmq-protocol';
import { BenchContext, forkBenchChild } from '../context';
import { receiverPath } from '../receiver/receiver-protocol';
import { RpcClient } from '../shared/rpc';
import { ratePerSecond } from '../shared/stats';
import { waitForArrivals } from './wait-for-arrivals';

export type BullmqResult =
  | { skipped: string }
  | {
      backlog: number;
      concurrency: number;
      loadMs: number;
      delivered: number;
      complete: boolean;
      failed: number;
      deliveriesPerSecond: number | null;
    };

function reachable(redisUrl: string): Promise<boolean> {
  const url = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379), timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Why the comparison cannot run here, or null when it can. */
async function skipReason(redisUrl: string | undefined): Promise<string | null> {
  if (redisUrl === undefined || redisUrl === '') return 'REDIS_URL is not set';
  if (!(await reachable(redisUrl))) return `Redis at ${redisUrl} is not reachable`;
  try {
    require.resolve('ioredis');
  } catch {
    return 'BullMQ needs the ioredis client, which is not installed (npm i -D ioredis)';
  }
  return null;
}

/** (8) The same drain through a minimal BullMQ sender, in its own process. */
export async function runBullmq(ctx: BenchContext): Promise<BullmqResult> {
  const reason = await skipReason(ctx.options.redisUrl);
  if (reason !== null) return { skipped: reason };
  const redisUrl = ctx.options.redisUrl as string;
  const child = forkBenchChild('bullmq/bullmq-sender.js');
  const sender = new RpcClient<BullmqProtocol>(child, 'bullmq sender');
  const target = { redisUrl, queueName: `hookrelay-bench-${Date.now()}` };
  const backlog = ctx.options.backlog;
  const concurrency = ctx.options.bullmqConcurrency;
  const path = receiverPath('ok', 'bullmq');
  try {
    const { loadMs } = await sender.call('load', { ...target, count: backlog });
    await sender.call('work', {
      ...target,
      concurrency,
      origin: ctx.receiverOrigin,
      path,
      secret: generateSigningSecret(),
    });
    const stats = await waitForArrivals(ctx, path, backlog, 120_000 + backlog);
    const { failed } = await sender.call('stop', target);
    return {
      backlog,
      concurrency,
      loadMs,
      delivered: stats.count,
      complete: stats.complete,
      failed,
      deliveriesPerSecond: ratePerSecond(stats.count, stats.firstAt, stats.lastAt),
    };
  } finally {
    child.kill();
  }
}
