import { ConnectionOptions, Queue, Worker } from 'bullmq';
import { Pool } from 'undici';
import { nowMs } from '../shared/clock';
import { buildPayload } from '../shared/payload';
import { serveRpc } from '../shared/rpc';
import { SignedRequestFactory } from '../loadgen/signed-request';
import { BullmqProtocol, BullmqTarget } from './bullmq-protocol';

/**
 * (8) The comparison: a minimal BullMQ sender. A queue of jobs carrying the payload, one
 * worker process POSTing each with undici and a Standard Webhooks signature. No attempts log,
 * no per-endpoint fairness, no database: only what it takes to send.
 */

const ADD_CHUNK = 1_000;

function connectionOf(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

let worker: Worker | null = null;
let pool: Pool | null = null;
let failed = 0;

serveRpc<BullmqProtocol>({
  load: async ({ redisUrl, queueName, count }) => {
    const queue = new Queue(queueName, { connection: connectionOf(redisUrl) });
    const payload = JSON.stringify(buildPayload());
    const startedAt = nowMs();
    for (let i = 0; i < count; i += ADD_CHUNK) {
      const size = Math.min(ADD_CHUNK, count - i);
      await queue.addBulk(
        Array.from({ length: size }, (_, k) => ({
          name: 'deliver',
          data: { id: `msg_bullmq_${i + k}`, payload },
          opts: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
        })),
      );
    }
    await queue.close();
    return { loadMs: nowMs() - startedAt };
  },
  work: async ({ redisUrl, queueName, concurrency, origin, path, secret }) => {
    const senderPool = new Pool(origin, { connections: concurrency, keepAliveTimeout: 60_000 });
    pool = senderPool;
    const factories = new Map<string, SignedRequestFactory>();
    worker = new Worker<{ id: string; payload: string }>(
      queueName,
      async (job) => {
        let factory = factories.get(job.data.payload);
        if (factory === undefined) {
          factory = new SignedRequestFactory(secret, job.data.payload);
          factories.set(job.data.payload, factory);
        }
        const { headers, body } = factory.build(job.data.id);
        const res = await senderPool.request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
        await res.body.dump();
        if (res.statusCode >= 300) throw new Error(`status ${res.statusCode}`);
      },
      { connection: connectionOf(redisUrl), concurrency },
    );
    worker.on('failed', () => failed++);
    return { startedAt: nowMs() };
  },
  stop: async ({ redisUrl, queueName }: BullmqTarget) => {
    await worker?.close();
    await pool?.close();
    const queue = new Queue(queueName, { connection: connectionOf(redisUrl) });
    await queue.obliterate({ force: true });
    await queue.close();
    return { failed };
  },
});
