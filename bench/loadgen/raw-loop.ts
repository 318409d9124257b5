import { nowMs } from '../shared/clock';
import { buildPayload } from '../shared/payload';
import { summarise } from '../shared/stats';
import { RawLoopParams, RawLoopResult } from './loadgen-protocol';
import { createPool, postJson } from './http-client';
import { SignedRequestFactory } from './signed-request';

/**
 * The raw limit: `concurrency` loops POSTing signed 1 KB bodies straight to the receiver,
 * no persistence. Stops after `count` requests or `maxMs`, whichever comes first.
 */
export async function runRawLoop(params: RawLoopParams): Promise<RawLoopResult> {
  const pool = createPool(params.origin, params.concurrency);
  const factory = new SignedRequestFactory(params.secret, JSON.stringify(buildPayload()));
  const latencies: number[] = [];
  let started = 0;
  let completed = 0;
  let errors = 0;
  const startedAt = nowMs();
  const deadline = startedAt + params.maxMs;

  const loop = async (): Promise<void> => {
    while (started < params.count && nowMs() < deadline) {
      const n = started++;
      const { headers, body } = factory.build(`msg_raw_${n}`);
      const sentAt = nowMs();
      try {
        const reply = await postJson(pool, params.path, headers, body);
        if (reply.status === 200) completed++;
        else errors++;
      } catch {
        errors++;
      }
      latencies.push(nowMs() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: params.concurrency }, loop));
  const elapsedMs = nowMs() - startedAt;
  await pool.close();
  return {
    completed,
    errors,
    elapsedMs,
    requestsPerSecond: (completed * 1000) / elapsedMs,
    latencyMs: summarise(latencies),
  };
}
