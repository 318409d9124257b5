import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forgetTraceId, rememberTraceId } from '../common/request-trace';
import type { IngestSpan, Tracing } from './tracing';

/**
 * Fastify route config of the routes that get an ingest span (the message routes):
 * `@RouteConfig({ ...TRACE_INGEST })` next to the route decorator.
 */
export const TRACE_INGEST = { traceIngest: true } as const;

/** Spans of the requests in flight; dropped with their request. */
const spans = new WeakMap<object, IngestSpan>();

/**
 * Starts the ingest span when a traced route's request arrives (so it covers body parsing),
 * with the producer's `traceparent` as its parent, and ends it with the answer's status.
 * Installed only when tracing is on: otherwise no hook runs at all.
 */
export function traceIngestRequests(fastify: FastifyInstance, tracing: Tracing): void {
  if (!tracing.enabled) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config as { traceIngest?: boolean } | undefined;
    if (config?.traceIngest === true) {
      const header = request.headers.traceparent;
      const span = tracing.startIngest(
        request.routeOptions.url ?? request.url,
        typeof header === 'string' ? header : undefined,
      );
      if (span) {
        spans.set(request, span);
        rememberTraceId(request, span.traceId);
      }
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    spans.get(request)?.end(reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    // The producer went away: no answer, but the span still ends (status 499, nginx's "client closed").
    spans.get(request)?.end(499);
    spans.delete(request);
    forgetTraceId(request);
    done();
  });
}

/** The request's ingest span (null when tracing is off or the route is not traced). */
export const IngestTrace = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IngestSpan | null =>
    spans.get(context.switchToHttp().getRequest<FastifyRequest>()) ?? null,
);
