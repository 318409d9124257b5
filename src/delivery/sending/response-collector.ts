import type { Dispatcher } from 'undici';

/** Read at most this much of a response (then the connection is cut), store at most STORED. */
export const RESPONSE_READ_LIMIT = 64 * 1024;
export const RESPONSE_STORED_LIMIT = 4 * 1024;

/**
 * What a finished exchange produced; `error` set when it failed before the response ended.
 * `statusCode` is 0 when no response head arrived; with a status and an error, the head came
 * and the body did not (stalled, cut off, past the deadline).
 */
export interface CollectedResponse {
  statusCode: number;
  retryAfter: string | string[] | undefined;
  body: string;
  error: Error | null;
}

/**
 * A raw undici dispatch handler: keeps the status, Retry-After and the first
 * RESPONSE_STORED_LIMIT bytes of the body, and calls `done` exactly once. Used instead of
 * `Dispatcher.request`, whose per-request Readable body stream, abort listener and async
 * iteration cost more than the rest of a delivery's CPU on a fast endpoint (profile: the
 * request/stream machinery was ~15 % of the worker's busy time at 6,000 deliveries/s).
 */
export class ResponseCollector implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private statusCode = 0;
  private retryAfter: string | string[] | undefined = undefined;
  private chunks: Buffer[] | null = null;
  private size = 0;
  private finished = false;
  private abortReason: Error | null = null;

  /**
   * @param deadline performance.now() time by which the whole exchange must have ended; the
   *   sender's sweep aborts it after that (see DeliverySender).
   */
  constructor(
    readonly deadline: number,
    private readonly done: (response: CollectedResponse) => void,
  ) {}

  /** Cuts the exchange off (deadline, shutdown); `done` then reports `reason`. */
  abort(reason: Error): void {
    if (this.finished) return;
    if (this.controller) {
      this.controller.abort(reason);
    } else {
      // Not on a socket yet (connecting, or queued in undici): report now, and stop the
      // request before it is written if a socket comes later (onRequestStart).
      this.abortReason = reason;
      this.finish(reason);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.abortReason) controller.abort(this.abortReason);
    else this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.statusCode = statusCode;
    this.retryAfter = headers['retry-after'];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size < RESPONSE_STORED_LIMIT) (this.chunks ??= []).push(chunk);
    this.size += chunk.length;
    // Past the read limit: the rest is not worth the time or memory; the answer so far stands.
    if (this.size >= RESPONSE_READ_LIMIT) {
      this.finish(null);
      controller.abort(new Error('response body over the read limit'));
    }
  }

  onResponseEnd(): void {
    this.finish(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish(error);
  }

  private finish(error: Error | null): void {
    if (this.finished) return;
    this.finished = true;
    this.done({
      statusCode: this.statusCode,
      retryAfter: this.retryAfter,
      body: this.bodyText(),
      error,
    });
  }

  private bodyText(): string {
    if (this.chunks === null) return '';
    const first = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const text = first.subarray(0, RESPONSE_STORED_LIMIT).toString('utf8');
    // PostgreSQL text cannot hold NUL; a cut multi-byte character decodes to U+FFFD (harmless).
    return text.includes('\0') ? text.split('\0').join('') : text;
  }
}
