import { nowMs } from '../shared/clock';
import { buildPayload, EVENT_TYPE } from '../shared/payload';
import { BatchLoadParams, BatchLoadResult } from './loadgen-protocol';
import { bearer, createPool, describeError, messagesPath, postJson } from './http-client';

/**
 * Loads a backlog through `POST /apps/{appId}/messages/batch`, `concurrency` batches in
 * flight. The batch body is serialised once and reused: the generator shares the machine's
 * two cores with the service and must stay cheap.
 */
export async function runBatchLoad(params: BatchLoadParams): Promise<BatchLoadResult> {
  const pool = createPool(params.origin, params.concurrency);
  const path = `${messagesPath(params.appId)}/batch`;
  const headers = bearer(params.apiKey);
  const message = { eventType: EVENT_TYPE, payload: buildPayload() };
  const bodyFor = (size: number): string =>
    JSON.stringify({ messages: new Array(size).fill(message) });
  const fullBody = bodyFor(params.batchSize);
  const keys = params.orderingKeys;
  // With ordering keys each batch is built for its own message numbers (keys differ).
  const keyedBody = (first: number, size: number): string =>
    JSON.stringify({
      messages: Array.from({ length: size }, (_, i) => ({
        ...message,
        orderingKey: `key-${(first + i) % (keys as number)}`,
      })),
    });

  let remaining = params.total;
  let messages = 0;
  let requests = 0;
  let errors = 0;
  let firstError: string | null = null;
  const startedAt = nowMs();

  const loop = async (): Promise<void> => {
    while (remaining > 0) {
      const size = Math.min(params.batchSize, remaining);
      const first = params.total - remaining;
      remaining -= size;
      requests++;
      try {
        const reply = await postJson(
          pool,
          path,
          headers,
          keys !== undefined
            ? keyedBody(first, size)
            : size === params.batchSize
              ? fullBody
              : bodyFor(size),
        );
        if (reply.status === 202 || reply.status === 200 || reply.status === 201) {
          messages += size;
        } else {
          errors++;
          firstError ??= `${reply.status} ${reply.text.slice(0, 300)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= describeError(err);
      }
    }
  };
  await Promise.all(Array.from({ length: params.concurrency }, loop));
  const elapsedMs = nowMs() - startedAt;
  await pool.close();
  return {
    messages,
    requests,
    errors,
    firstError,
    elapsedMs,
    messagesPerSecond: (messages * 1000) / elapsedMs,
  };
}
