import { nowMs } from '../shared/clock';
import { buildPayload, EVENT_TYPE } from '../shared/payload';
import { summarise } from '../shared/stats';
import { IngestParams, IngestResult } from './loadgen-protocol';
import { bearer, createPool, describeError, messagesPath, postJson } from './http-client';

/**
 * Single-message ingest: `concurrency` clients, each POSTing one message and waiting for the
 * 202 (the service commits before answering) before sending the next.
 */
export async function runIngest(params: IngestParams): Promise<IngestResult> {
  const pool = createPool(params.origin, params.concurrency);
  const path = messagesPath(params.appId);
  const headers = bearer(params.apiKey);
  const body = JSON.stringify({ eventType: EVENT_TYPE, payload: buildPayload() });
  const latencies: number[] = [];
  let started = 0;
  let accepted = 0;
  let errors = 0;
  let firstError: string | null = null;
  const startedAt = nowMs();
  const deadline = startedAt + params.maxMs;

  const client = async (): Promise<void> => {
    while (started < params.count && nowMs() < deadline) {
      started++;
      const sentAt = nowMs();
      try {
        const reply = await postJson(pool, path, headers, body);
        if (reply.status === 202) accepted++;
        else {
          errors++;
          firstError ??= `${reply.status} ${reply.text.slice(0, 300)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= describeError(err);
      }
      latencies.push(nowMs() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: params.concurrency }, client));
  const elapsedMs = nowMs() - startedAt;
  await pool.close();
  return {
    accepted,
    errors,
    firstError,
    elapsedMs,
    acceptedPerSecond: (accepted * 1000) / elapsedMs,
    latencyMs: summarise(latencies),
  };
}
