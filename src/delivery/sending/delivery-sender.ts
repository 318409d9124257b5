import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TRACING, type Tracing } from '../../tracing/tracing';
import { honoursRetryAfter, parseRetryAfterSeconds } from '../retry/retry-after';
import { hexBodySignature } from '../signing/signature-signer';
import { signerAt, type EndpointDeliveryConfig } from './endpoint-config';
import type { AttemptResult, ClaimedDelivery } from '../../queue/delivery-types';
import { classifyDeliveryError, DeliveryDeadlineError } from './delivery-error';
import { DELIVERY_EGRESS, type DeliveryEgress } from './delivery-egress';
import { PayloadShapers } from './payload-shaper';
import { ResponseCollector, type CollectedResponse } from './response-collector';

export { RESPONSE_READ_LIMIT, RESPONSE_STORED_LIMIT } from './response-collector';

/** How late past its deadline an exchange may be cut off, at most (the sweep's period). */
const DEADLINE_SWEEP_MAX_MS = 250;

/**
 * One HTTP attempt: body, Standard Webhooks headers, POST through the egress dispatcher,
 * classify the answer. Never throws: every failure comes back as an AttemptResult so it is
 * recorded and retried (or finally failed), never lost.
 *
 * Every attempt has one deadline, DELIVERY_TIMEOUT_MS from its start, covering connect,
 * response headers and body: undici's bodyTimeout restarts with every chunk, so a receiver
 * trickling bytes would otherwise hold a send open past the worker's lease, and another
 * worker would send the same delivery meanwhile. The deadline is enforced by one sweep over
 * the exchanges in flight (at most DEADLINE_SWEEP_MAX_MS late), not by a timer per request.
 */
@Injectable()
export class DeliverySender implements OnApplicationShutdown {
  private readonly timeoutMs: number;
  /**
   * Exchanges in flight, so a shutdown abort or the deadline sweep reaches them without a
   * listener or timer per request. In start order, hence in deadline order (one timeout for all).
   */
  private readonly inFlight = new Set<ResponseCollector>();
  private readonly watchedSignals = new WeakSet<AbortSignal>();
  private readonly sweepEveryMs: number;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly shapers = new PayloadShapers();

  constructor(
    @Inject(DELIVERY_EGRESS) private readonly egress: DeliveryEgress,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(TRACING) private readonly tracing: Tracing,
  ) {
    this.timeoutMs = config.DELIVERY_TIMEOUT_MS;
    this.sweepEveryMs = Math.max(
      10,
      Math.min(DEADLINE_SWEEP_MAX_MS, Math.floor(config.DELIVERY_TIMEOUT_MS / 20)),
    );
  }

  onApplicationShutdown(): void {
    this.stopSweep();
  }

  /**
   * @param abort the worker's shutdown signal: aborts sends still running after the grace period.
   * With tracing on, the attempt is a span of the message's trace (see src/tracing/).
   */
  async send(
    delivery: ClaimedDelivery,
    endpoint: EndpointDeliveryConfig,
    attemptAt: Date,
    abort: AbortSignal,
  ): Promise<AttemptResult> {
    if (!this.tracing.enabled) return this.exchange(delivery, endpoint, attemptAt, abort, null);
    const span = this.tracing.startAttempt({
      parent: delivery.traceContext,
      appId: delivery.appId,
      messageId: delivery.messageId,
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      eventType: delivery.eventType,
      attempt: delivery.attempts + 1,
      host: endpoint.url.host,
    });
    const traceparent = span !== null && endpoint.sendTraceContext ? span.traceparent : null;
    const result = await this.exchange(delivery, endpoint, attemptAt, abort, traceparent);
    span?.end(result);
    return span === null ? result : { ...result, traceId: span.traceId };
  }

  private async exchange(
    delivery: ClaimedDelivery,
    endpoint: EndpointDeliveryConfig,
    attemptAt: Date,
    abort: AbortSignal,
    traceparent: string | null,
  ): Promise<AttemptResult> {
    const started = performance.now();
    let response: CollectedResponse;
    try {
      this.egress.assertAllowed(endpoint.url);
      abort.throwIfAborted();
      this.watch(abort);
      // Encoded once: signed and sent as the same bytes (undici would encode a string itself).
      // Shaped with the shape frozen on the delivery: identical bytes on every attempt.
      const body = Buffer.from(
        this.shapers
          .get(delivery.bodyShape)
          .body(
            delivery.messageId,
            delivery.eventType,
            delivery.messageCreatedAt,
            delivery.payload,
          ),
      );
      const headers = headersFor(delivery, endpoint, attemptAt, body);
      // Outside the signed content, like every header.
      if (traceparent !== null) headers.push('traceparent', traceparent);
      response = await new Promise<CollectedResponse>((resolve) => {
        const collector = new ResponseCollector(started + this.timeoutMs, (r) => {
          this.inFlight.delete(collector);
          resolve(r);
        });
        this.inFlight.add(collector);
        this.sweepTimer ??= this.startSweep();
        // undici's own timers (and the deadline sweep), not an AbortSignal per request: at
        // 10,000 requests/s the per-request signals cost more than the requests. They name
        // the phase that hung; the sweep bounds the whole.
        this.egress.next().dispatch(
          {
            origin: endpoint.origin,
            path: endpoint.path,
            method: 'POST',
            headers,
            body,
            headersTimeout: this.timeoutMs,
            bodyTimeout: this.timeoutMs,
          },
          collector,
        );
      });
    } catch (err) {
      return failure(err, Math.round(performance.now() - started));
    }
    const durationMs = Math.round(performance.now() - started);
    // A 2xx head is the receiver's acceptance: a body that then stalls or breaks does not
    // undo it, and retrying would deliver the message twice.
    return response.error && !isSuccess(response.statusCode)
      ? failure(response.error, durationMs)
      : resultOf(response, attemptAt, durationMs);
  }

  /** Runs while anything is in flight; stops itself when nothing is. */
  private startSweep(): NodeJS.Timeout {
    const timer = setInterval(() => this.abortPastDeadline(), this.sweepEveryMs);
    timer.unref();
    return timer;
  }

  private stopSweep(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  private abortPastDeadline(): void {
    if (this.inFlight.size === 0) {
      this.stopSweep();
      return;
    }
    const now = performance.now();
    let error: DeliveryDeadlineError | null = null;
    for (const collector of this.inFlight) {
      // Insertion order is deadline order: the first one still in time ends the scan.
      if (collector.deadline > now) break;
      error ??= new DeliveryDeadlineError(this.timeoutMs);
      collector.abort(error);
    }
  }

  private watch(signal: AbortSignal): void {
    if (this.watchedSignals.has(signal)) return;
    this.watchedSignals.add(signal);
    signal.addEventListener('abort', () => {
      const reason = signal.reason instanceof Error ? signal.reason : new Error('delivery aborted');
      for (const collector of [...this.inFlight]) collector.abort(reason);
    });
  }
}

/**
 * Flat [name, value, …] array: undici takes it as is, where an object would be spread per
 * request and walked again with Object.keys.
 */
function headersFor(
  delivery: ClaimedDelivery,
  endpoint: EndpointDeliveryConfig,
  attemptAt: Date,
  body: Buffer,
): string[] {
  const timestamp = Math.floor(attemptAt.getTime() / 1000);
  const headers = endpoint.baseHeaderList.slice();
  headers.push(
    'webhook-id',
    delivery.messageId,
    'webhook-timestamp',
    String(timestamp),
    'webhook-signature',
    signerAt(endpoint, attemptAt).sign(delivery.messageId, timestamp, body),
  );
  if (endpoint.signatureHeader)
    headers.push(endpoint.signatureHeader, hexBodySignature(endpoint.currentSecret, body));
  return headers;
}

function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

function resultOf(response: CollectedResponse, attemptAt: Date, durationMs: number): AttemptResult {
  const statusCode = response.statusCode;
  const succeeded = isSuccess(statusCode);
  const redirect = statusCode >= 300 && statusCode < 400;
  return {
    succeeded,
    statusCode,
    errorClass: succeeded ? null : redirect ? 'redirect' : 'status',
    error: succeeded
      ? null
      : redirect
        ? `Receiver redirected (status ${statusCode}); redirects are not followed`
        : `Receiver answered with status ${statusCode}`,
    responseBody: response.body,
    durationMs,
    retryAfterSeconds: honoursRetryAfter(statusCode)
      ? parseRetryAfterSeconds(response.retryAfter, attemptAt)
      : null,
    final: false,
  };
}

function failure(err: unknown, durationMs: number): AttemptResult {
  const { errorClass, message } = classifyDeliveryError(err);
  return {
    succeeded: false,
    statusCode: null,
    errorClass,
    error: message,
    responseBody: null,
    durationMs,
    retryAfterSeconds: null,
    final: errorClass === 'blocked',
  };
}
