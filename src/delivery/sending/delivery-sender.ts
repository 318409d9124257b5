import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { honoursRetryAfter, parseRetryAfterSeconds } from '../retry/retry-after';
import { hexBodySignature } from '../signing/signature-signer';
import { signerAt, type EndpointDeliveryConfig } from '../worker/endpoint-config';
import type { AttemptResult, ClaimedDelivery } from '../worker/claimed-delivery';
import { buildDeliveryBody } from './delivery-body';
import { classifyDeliveryError } from './delivery-error';
import { DELIVERY_EGRESS, type DeliveryEgress } from './delivery-egress';

/** Read at most this much of a response (then stop reading), store at most STORED. */
export const RESPONSE_READ_LIMIT = 64 * 1024;
export const RESPONSE_STORED_LIMIT = 4 * 1024;

/**
 * One HTTP attempt: body, Standard Webhooks headers, POST through the egress dispatcher,
 * classify the answer. Never throws: every failure comes back as an AttemptResult so it is
 * recorded and retried (or finally failed), never lost.
 */
@Injectable()
export class DeliverySender {
  private readonly timeoutMs: number;

  constructor(
    @Inject(DELIVERY_EGRESS) private readonly egress: DeliveryEgress,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = config.DELIVERY_TIMEOUT_MS;
  }

  /** @param abort the worker's shutdown signal: aborts sends still running after the grace period. */
  async send(delivery: ClaimedDelivery, endpoint: EndpointDeliveryConfig, attemptAt: Date, abort: AbortSignal): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      this.egress.assertAllowed(endpoint.url);
      const body = buildDeliveryBody(delivery.messageId, delivery.eventType, delivery.messageCreatedAt, delivery.payload);
      const headers = this.headersFor(delivery, endpoint, attemptAt, body);
      const response = await this.egress.next().request({
        origin: endpoint.origin,
        path: endpoint.path,
        method: 'POST',
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        // undici's own timers, not an AbortSignal per request: at 10,000 requests/s the
        // per-request signals cost more than the requests. Connect timeout is the agent's.
        signal: abort,
      });
      return await this.resultOf(response, attemptAt, elapsed);
    } catch (err) {
      const { errorClass, message } = classifyDeliveryError(err);
      return {
        succeeded: false,
        statusCode: null,
        errorClass,
        error: message,
        responseBody: null,
        durationMs: elapsed(),
        retryAfterSeconds: null,
        final: errorClass === 'blocked',
      };
    }
  }

  private headersFor(delivery: ClaimedDelivery, endpoint: EndpointDeliveryConfig, attemptAt: Date, body: string): Record<string, string> {
    const timestamp = Math.floor(attemptAt.getTime() / 1000);
    const headers: Record<string, string> = { ...endpoint.baseHeaders };
    headers['webhook-id'] = delivery.messageId;
    headers['webhook-timestamp'] = String(timestamp);
    headers['webhook-signature'] = signerAt(endpoint, attemptAt).sign(delivery.messageId, timestamp, body);
    if (endpoint.signatureHeader) headers[endpoint.signatureHeader] = hexBodySignature(endpoint.currentSecret, body);
    return headers;
  }

  private async resultOf(response: Dispatcher.ResponseData, attemptAt: Date, elapsed: () => number): Promise<AttemptResult> {
    const statusCode = response.statusCode;
    const responseBody = await readLimited(response.body);
    const durationMs = elapsed();
    const succeeded = statusCode >= 200 && statusCode < 300;
    const redirect = statusCode >= 300 && statusCode < 400;
    return {
      succeeded,
      statusCode,
      errorClass: succeeded ? null : redirect ? 'redirect' : 'status',
      error: succeeded ? null : redirect ? `Receiver redirected (status ${statusCode}); redirects are not followed` : `Receiver answered with status ${statusCode}`,
      responseBody,
      durationMs,
      retryAfterSeconds: honoursRetryAfter(statusCode) ? parseRetryAfterSeconds(response.headers['retry-after'], attemptAt) : null,
      final: false,
    };
  }
}

/** Up to RESPONSE_READ_LIMIT bytes, then the rest is discarded; stored truncated. */
async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      size += buffer.length;
      if (size >= RESPONSE_READ_LIMIT) break;
    }
  } finally {
    if (size >= RESPONSE_READ_LIMIT) body.destroy();
  }
  const text = Buffer.concat(chunks, Math.min(size, RESPONSE_READ_LIMIT)).subarray(0, RESPONSE_STORED_LIMIT).toString('utf8');
  // PostgreSQL text cannot hold NUL; a cut multi-byte character decodes to U+FFFD (harmless).
  return text.split(String.fromCharCode(0)).join('');
}
