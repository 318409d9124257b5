import { startOtlpCollector, type OtlpCollector } from '../../test/support/otlp-collector';
import { loadConfig } from '../config/app-config';
import { OtelTracing } from './otel-tracing';
import { parseTraceparent } from './traceparent';
import { NO_TRACING, type AttemptStart } from './tracing';
import { createTracing } from './tracing.module';
import { tracingSettings, type SamplerName } from './tracing-settings';

const PARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

let collector: OtlpCollector;
beforeAll(async () => (collector = await startOtlpCollector()));
afterAll(() => collector.close());

function tracingWith(sampler: SamplerName, ratio = '1'): OtelTracing {
  const settings = tracingSettings(
    loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: sampler,
      OTEL_TRACES_SAMPLER_ARG: ratio,
    }),
  );
  if (settings === null) throw new Error('tracing should be on');
  return new OtelTracing(settings);
}

const attempt = (parent: string | null): AttemptStart => ({
  parent,
  appId: 'app_1',
  messageId: 'msg_1',
  deliveryId: 'dlv_1',
  endpointId: 'ep_1',
  eventType: 'order.paid',
  attempt: 2,
  host: 'example.com',
});

describe('createTracing', () => {
  it('is NO_TRACING without an OTLP endpoint: no spans, nothing to do on the hot paths', () => {
    const sut = createTracing(loadConfig({}));
    expect(sut).toBe(NO_TRACING);
    expect(sut.startIngest('/x', `00-${PARENT_TRACE}-${PARENT_SPAN}-01`)).toBeNull();
    expect(sut.startAttempt(attempt(null))).toBeNull();
  });

  it('is the OpenTelemetry SDK with one', async () => {
    const sut = createTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url }));
    expect(sut).toBeInstanceOf(OtelTracing);
    await sut.shutdown();
  });
});

describe('OtelTracing', () => {
  let sut: OtelTracing;
  afterEach(() => sut.shutdown());

  it.each([
    ['sampled', '01', true],
    ['not sampled', '00', false],
  ])(
    "makes an attempt a child of the message's stored context, %s as it was",
    (_case, flags, sampled) => {
      sut = tracingWith('parentbased_always_on');
      const span = sut.startAttempt(attempt(`00-${PARENT_TRACE}-${PARENT_SPAN}-${flags}`));
      const own = parseTraceparent(span.traceparent);
      expect(own).toMatchObject({ traceId: PARENT_TRACE, sampled });
      expect(own?.spanId).not.toBe(PARENT_SPAN);
      span.end({ succeeded: true, statusCode: 200, errorClass: null, durationMs: 3 });
    },
  );

  it('exports an ended attempt span with its attributes at shutdown', async () => {
    sut = tracingWith('always_on');
    const span = sut.startAttempt(attempt(`00-${PARENT_TRACE}-${PARENT_SPAN}-01`));
    span.end({ succeeded: false, statusCode: 503, errorClass: 'status', durationMs: 7 });
    await sut.shutdown();
    const exported = collector.spans.find(
      (s) => s.spanId === parseTraceparent(span.traceparent)?.spanId,
    );
    expect(exported).toMatchObject({
      parentSpanId: PARENT_SPAN,
      attributes: {
        'hookrelay.attempt.number': 2,
        'hookrelay.attempt.retry': true,
        'http.response.status_code': 503,
        'error.type': 'status',
        'hookrelay.attempt.duration_ms': 7,
        'server.address': 'example.com',
      },
    });
  });

  it('starts a new trace for an attempt of a message stored without context', () => {
    sut = tracingWith('parentbased_always_on');
    const span = sut.startAttempt(attempt(null));
    expect(parseTraceparent(span.traceparent)).toMatchObject({ sampled: true });
    expect(span.traceId).not.toBe(PARENT_TRACE);
    span.end({ succeeded: false, statusCode: null, errorClass: 'timeout', durationMs: 3 });
  });

  it.each([
    ['invalid', 'not-a-traceparent'],
    ['absent', undefined],
  ])('starts a new trace at ingestion when the producer traceparent is %s', (_case, header) => {
    sut = tracingWith('always_on');
    const span = sut.startIngest('/api/v1/apps/:appId/messages', header);
    expect(parseTraceparent(span.traceparent)?.traceId).toBe(span.traceId);
    expect(span.traceId).not.toBe(PARENT_TRACE);
    span.end(202);
  });

  it('samples new traces at the configured ratio (0 here): the context is still stored', () => {
    sut = tracingWith('parentbased_traceidratio', '0');
    const span = sut.startIngest('/api/v1/apps/:appId/messages', undefined);
    expect(parseTraceparent(span.traceparent)).toMatchObject({ sampled: false });
    span.end(202);
  });
});
