/**
 * The trace id of each request that has a span, for its log lines and error answers. Tracing
 * records it when it starts the request's span (tracing/ingest-request-tracing.ts); kept here
 * so the error filter and the request log read it without importing tracing. Dropped with the
 * request.
 */
const traceIds = new WeakMap<object, string>();

export function rememberTraceId(request: object, traceId: string): void {
  traceIds.set(request, traceId);
}

export function forgetTraceId(request: object): void {
  traceIds.delete(request);
}

/** The trace id of a request's span, for its log lines; undefined when it has none. */
export function traceIdOf(request: object): string | undefined {
  return traceIds.get(request);
}
