import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { PRODUCT_VERSION } from '../common/product';
import { formatTraceparent, parseTraceparent } from './traceparent';
import type {
  AttemptOutcome,
  AttemptSpan,
  AttemptStart,
  IngestAnnotation,
  IngestSpan,
  Tracing,
} from './tracing';
import type { SamplerName, TracingSettings } from './tracing-settings';

/** Span attribute names of this service (the HTTP ones come from the semantic conventions). */
export const ATTR = {
  appId: 'hookrelay.app.id',
  eventType: 'hookrelay.event_type',
  messageId: 'hookrelay.message.id',
  messageIds: 'hookrelay.message.ids',
  messageCount: 'hookrelay.message.count',
  duplicates: 'hookrelay.message.duplicates',
  deliveriesCreated: 'hookrelay.deliveries.created',
  deliveryId: 'hookrelay.delivery.id',
  endpointId: 'hookrelay.endpoint.id',
  attempt: 'hookrelay.attempt.number',
  retry: 'hookrelay.attempt.retry',
  durationMs: 'hookrelay.attempt.duration_ms',
} as const;

/**
 * The OpenTelemetry SDK behind the Tracing port: a tracer provider of its own (no global
 * registration, so several apps in one process — the e2e tests — do not share one), a batch
 * processor and an OTLP/HTTP exporter, every option passed explicitly from the validated
 * configuration. Context travels explicitly (stored traceparents), not through async hooks.
 */
export class OtelTracing implements Tracing {
  readonly enabled = true;
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;

  constructor(settings: TracingSettings) {
    const exporterOptions = {
      url: settings.url,
      headers: settings.headers,
      timeoutMillis: settings.timeoutMs,
      compression:
        settings.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    };
    const exporter =
      settings.protocol === 'http/json'
        ? new JsonExporter(exporterOptions)
        : new ProtobufExporter(exporterOptions);
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({
        ...settings.resourceAttributes,
        [ATTR_SERVICE_NAME]: settings.serviceName,
        [ATTR_SERVICE_VERSION]: PRODUCT_VERSION,
      }),
      sampler: samplerOf(settings.sampler, settings.samplerRatio),
      spanProcessors: [new BatchSpanProcessor({ exporter, ...settings.batch })],
    });
    this.tracer = this.provider.getTracer('hookrelay');
  }

  startIngest(route: string, incoming: string | undefined): IngestSpan {
    const span = this.tracer.startSpan(
      `POST ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: 'POST', [ATTR_HTTP_ROUTE]: route },
      },
      parentContext(incoming),
    );
    return new OtelIngestSpan(span);
  }

  startAttempt(start: AttemptStart): AttemptSpan {
    const span = this.tracer.startSpan(
      'webhook attempt',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR.appId]: start.appId,
          [ATTR.messageId]: start.messageId,
          [ATTR.deliveryId]: start.deliveryId,
          [ATTR.endpointId]: start.endpointId,
          [ATTR.eventType]: start.eventType,
          [ATTR.attempt]: start.attempt,
          [ATTR.retry]: start.attempt > 1,
          [ATTR_HTTP_REQUEST_METHOD]: 'POST',
          [ATTR_SERVER_ADDRESS]: start.host,
        },
      },
      parentContext(start.parent),
    );
    return new OtelAttemptSpan(span);
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

class OtelIngestSpan implements IngestSpan {
  readonly traceId: string;
  readonly traceparent: string;

  constructor(private readonly span: Span) {
    this.traceId = span.spanContext().traceId;
    this.traceparent = traceparentOf(span);
  }

  annotate({ appId, messages, deliveriesCreated }: IngestAnnotation): void {
    if (!this.span.isRecording()) return;
    const attributes: Attributes = {
      [ATTR.appId]: appId,
      [ATTR.messageCount]: messages.length,
      [ATTR.deliveriesCreated]: deliveriesCreated,
      [ATTR.duplicates]: messages.filter((m) => m.duplicate).length,
    };
    if (messages.length === 1) {
      attributes[ATTR.messageId] = messages[0].id;
      attributes[ATTR.eventType] = messages[0].eventType;
    } else {
      attributes[ATTR.messageIds] = messages.map((m) => m.id);
      attributes[ATTR.eventType] = [...new Set(messages.map((m) => m.eventType))];
    }
    this.span.setAttributes(attributes);
  }

  end(statusCode: number): void {
    this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    // A server span is an error only for 5xx (a 4xx is the client's).
    if (statusCode >= 500) {
      this.span.setStatus({ code: SpanStatusCode.ERROR });
      this.span.setAttribute(ATTR_ERROR_TYPE, String(statusCode));
    }
    this.span.end();
  }
}

class OtelAttemptSpan implements AttemptSpan {
  readonly traceId: string;
  readonly traceparent: string;

  constructor(private readonly span: Span) {
    this.traceId = span.spanContext().traceId;
    this.traceparent = traceparentOf(span);
  }

  end(outcome: AttemptOutcome): void {
    if (this.span.isRecording()) {
      const attributes: Attributes = { [ATTR.durationMs]: outcome.durationMs };
      if (outcome.statusCode !== null)
        attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = outcome.statusCode;
      if (outcome.errorClass !== null) attributes[ATTR_ERROR_TYPE] = outcome.errorClass;
      this.span.setAttributes(attributes);
      if (!outcome.succeeded)
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorClass ?? '' });
    }
    this.span.end();
  }
}

function parentContext(traceparent: string | null | undefined): Context {
  const parent = parseTraceparent(traceparent);
  if (parent === null) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

function traceparentOf(span: Span): string {
  const context = span.spanContext();
  return formatTraceparent({
    traceId: context.traceId,
    spanId: context.spanId,
    sampled: (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
  });
}

function samplerOf(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
