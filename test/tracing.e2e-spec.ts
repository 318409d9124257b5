import { Webhook } from 'standardwebhooks';
import { FakeClock } from '../src/common/clock';
import { DeliveryWorker } from '../src/delivery/worker/delivery-worker';
import { eventually } from './support/eventually';
import { createApp, createEndpoint, type EndpointView } from './support/builders';
import {
  startOtlpCollector,
  type CollectedSpan,
  type OtlpCollector,
} from './support/otlp-collector';
import { startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

const HOUR = 3_600_000;
const PRODUCER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

interface Accepted {
  id: string;
}

/**
 * Tracing end to end: the real app exports to an OTLP/HTTP collector on loopback (JSON
 * encoding), a real receiver fails the first attempt of each message and accepts the second,
 * and the retry runs after the FakeClock has moved two hours on — so the attempt spans can
 * only join the ingest span's trace through the context stored with the message.
 */
describe('Tracing (OpenTelemetry)', () => {
  const clock = new FakeClock(Date.now());
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let collector: OtlpCollector;
  let receiver: TestReceiver;
  let appId: string;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    // The first attempt of each message fails with 503, every later one succeeds.
    const seen = new Set<string>();
    receiver = await startReceiver((request) => {
      const messageId = String(request.headers['webhook-id']);
      if (seen.has(messageId)) return { status: 200 };
      seen.add(messageId);
      return { status: 503 };
    });
    sut = await startTestAppWithDatabase({
      clock,
      env: {
        WORKER_SWEEP_INTERVAL_MS: '600000',
        CIRCUIT_BREAKER_THRESHOLD: '10000',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'hookrelay-e2e',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
    await collector.close();
  });

  const messagesPath = () => `/api/v1/apps/${appId}/messages`;
  const requestsTo = (path: string) => receiver.requests.filter((r) => r.path.endsWith(path));

  /** Sends, lets the first attempt fail, moves two hours on, lets the retry succeed. */
  const failOnceThenSucceed = async (path: string, messageIds: string[]): Promise<void> => {
    await eventually(async () => requestsTo(path).length >= messageIds.length, 10_000, 'attempt 1');
    await eventually(
      async () =>
        (
          await sut.db.query(
            `SELECT 1 FROM delivery WHERE message_id = ANY($1) AND status = 'pending' AND attempts = 1`,
            [messageIds],
          )
        ).rowCount === messageIds.length,
      10_000,
      'the first attempts to be recorded',
    );
    clock.advance(2 * HOUR);
    await sut.app.get(DeliveryWorker).sweep();
    await eventually(
      async () => requestsTo(path).length >= 2 * messageIds.length,
      10_000,
      'attempt 2',
    );
  };

  const spansWhere = (predicate: (span: CollectedSpan) => boolean, count: number) =>
    eventually(
      async () => {
        const found = collector.spans.filter(predicate);
        return found.length >= count ? found : undefined;
      },
      15_000,
      `${count} exported span(s)`,
    );
  const attemptSpansOf = async (messageId: string): Promise<CollectedSpan[]> =>
    (
      await spansWhere(
        (s) => s.name === 'webhook attempt' && s.attributes['hookrelay.message.id'] === messageId,
        2,
      )
    ).sort(
      (a, b) =>
        Number(a.attributes['hookrelay.attempt.number']) -
        Number(b.attributes['hookrelay.attempt.number']),
    );
  const ingestSpanOf = async (messageId: string): Promise<CollectedSpan> => {
    const [span] = await spansWhere(
      (s) =>
        s.kind === SPAN_KIND_SERVER &&
        (s.attributes['hookrelay.message.id'] === messageId ||
          (s.attributes['hookrelay.message.ids'] as string[] | undefined)?.includes(messageId) ===
            true),
      1,
    );
    return span;
  };

  describe('a message that fails once and then succeeds, sendTraceContext on', () => {
    let endpoint: EndpointView;
    let message: Accepted;
    let ingest: CollectedSpan;
    let attempts: CollectedSpan[];
    let received: ReceivedRequest[];
    let secret: string;

    beforeAll(async () => {
      endpoint = await createEndpoint(sut.api, appId, {
        url: `${receiver.url}/traced`,
        eventTypes: ['order.paid'],
        sendTraceContext: true,
      });
      secret = (
        await sut.api.get<{ key: string }>(`/api/v1/apps/${appId}/endpoints/${endpoint.id}/secret`)
      ).body.key;
      const res = await sut.api.post<Accepted>(
        messagesPath(),
        { eventType: 'order.paid', payload: { orderId: 42 } },
        { traceparent: `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01` },
      );
      expect(res.status).toBe(202);
      message = res.body;
      await failOnceThenSucceed('/traced', [message.id]);
      ingest = await ingestSpanOf(message.id);
      attempts = await attemptSpansOf(message.id);
      received = requestsTo('/traced');
    });

    it("makes the producer's traceparent the parent of the ingest span", () => {
      expect(ingest.traceId).toBe(PRODUCER_TRACE);
      expect(ingest.parentSpanId).toBe(PRODUCER_SPAN);
    });

    it('describes the ingest: app, event type, message id, deliveries created', () => {
      expect(ingest.name).toBe('POST /api/v1/apps/:appId/messages');
      expect(ingest.attributes).toMatchObject({
        'hookrelay.app.id': appId,
        'hookrelay.event_type': 'order.paid',
        'hookrelay.message.id': message.id,
        'hookrelay.deliveries.created': 1,
        'http.response.status_code': 202,
      });
      expect(ingest.resource['service.name']).toBe('hookrelay-e2e');
    });

    it('exports both attempts as children of the ingest span, in its trace', () => {
      expect(attempts).toHaveLength(2);
      for (const attempt of attempts) {
        expect(attempt.traceId).toBe(PRODUCER_TRACE);
        expect(attempt.parentSpanId).toBe(ingest.spanId);
        expect(attempt.kind).toBe(SPAN_KIND_CLIENT);
      }
    });

    it('describes the failed first attempt', () => {
      expect(attempts[0].attributes).toMatchObject({
        'hookrelay.endpoint.id': endpoint.id,
        'hookrelay.delivery.id': expect.stringMatching(/^dlv_/),
        'hookrelay.attempt.number': 1,
        'hookrelay.attempt.retry': false,
        'http.response.status_code': 503,
        'error.type': 'status',
        'hookrelay.attempt.duration_ms': expect.any(Number),
      });
      expect(attempts[0].statusCode).toBe(STATUS_ERROR);
    });

    it('describes the successful retry', () => {
      expect(attempts[1].attributes).toMatchObject({
        'hookrelay.endpoint.id': endpoint.id,
        'hookrelay.attempt.number': 2,
        'hookrelay.attempt.retry': true,
        'http.response.status_code': 200,
      });
      expect(attempts[1].attributes['error.type']).toBeUndefined();
      expect(attempts[1].statusCode).not.toBe(STATUS_ERROR);
    });

    it("sends each attempt's own span as the receiver's traceparent", () => {
      expect(received.map((r) => r.headers.traceparent)).toEqual([
        `00-${PRODUCER_TRACE}-${attempts[0].spanId}-01`,
        `00-${PRODUCER_TRACE}-${attempts[1].spanId}-01`,
      ]);
    });

    it('keeps traceparent outside the signed content', () => {
      // The first attempt: the retry's timestamp is two (fake) hours ahead of the verifier's clock.
      const first = received[0];
      expect(() =>
        new Webhook(secret).verify(first.body, {
          'webhook-id': String(first.headers['webhook-id']),
          'webhook-timestamp': String(first.headers['webhook-timestamp']),
          'webhook-signature': String(first.headers['webhook-signature']),
        }),
      ).not.toThrow();
    });
  });

  describe('an endpoint with sendTraceContext off (the default)', () => {
    it('still traces the attempts but sends no traceparent', async () => {
      const endpoint = await createEndpoint(sut.api, appId, {
        url: `${receiver.url}/untraced`,
        eventTypes: ['order.shipped'],
      });
      expect(endpoint.sendTraceContext).toBe(false);
      const res = await sut.api.post<Accepted>(messagesPath(), {
        eventType: 'order.shipped',
        payload: { orderId: 43 },
      });
      await failOnceThenSucceed('/untraced', [res.body.id]);

      const attempts = await attemptSpansOf(res.body.id);
      const ingest = await ingestSpanOf(res.body.id);
      expect(attempts.map((a) => a.traceId)).toEqual([ingest.traceId, ingest.traceId]);
      expect(ingest.parentSpanId).toBe('');
      expect(requestsTo('/untraced').map((r) => r.headers.traceparent)).toEqual([
        undefined,
        undefined,
      ]);
    });
  });

  describe('the batch route', () => {
    it("honours the producer's traceparent and puts every message's attempts in its trace", async () => {
      await createEndpoint(sut.api, appId, {
        url: `${receiver.url}/batch`,
        eventTypes: ['batch.*'],
      });
      const trace = 'abcdef0123456789abcdef0123456789';
      const res = await sut.api.post<{ data: Accepted[] }>(
        `${messagesPath()}/batch`,
        {
          messages: [
            { eventType: 'batch.one', payload: { n: 1 } },
            { eventType: 'batch.two', payload: { n: 2 } },
          ],
        },
        { traceparent: `00-${trace}-${PRODUCER_SPAN}-01` },
      );
      expect(res.status).toBe(202);
      const ids = res.body.data.map((m) => m.id);
      await failOnceThenSucceed('/batch', ids);

      const ingest = await ingestSpanOf(ids[0]);
      expect(ingest.traceId).toBe(trace);
      expect(ingest.parentSpanId).toBe(PRODUCER_SPAN);
      expect(ingest.attributes).toMatchObject({
        'hookrelay.message.ids': ids,
        'hookrelay.message.count': 2,
        'hookrelay.event_type': ['batch.one', 'batch.two'],
      });
      expect(ingest.attributes['hookrelay.deliveries.created']).toBe(2);
      for (const id of ids) {
        const attempts = await attemptSpansOf(id);
        expect(attempts.map((a) => [a.traceId, a.parentSpanId])).toEqual([
          [trace, ingest.spanId],
          [trace, ingest.spanId],
        ]);
      }
    });
  });

  describe('the endpoint setting sendTraceContext', () => {
    const endpointPath = (id = '') => `/api/v1/apps/${appId}/endpoints${id ? `/${id}` : ''}`;

    it('is off by default, and PATCH turns it on and off', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      expect(endpoint.sendTraceContext).toBe(false);
      const on = await sut.api.patch<EndpointView>(endpointPath(endpoint.id), {
        sendTraceContext: true,
      });
      expect(on.body.sendTraceContext).toBe(true);
      expect(
        (await sut.api.get<EndpointView>(endpointPath(endpoint.id))).body.sendTraceContext,
      ).toBe(true);
      const off = await sut.api.patch<EndpointView>(endpointPath(endpoint.id), {
        sendTraceContext: false,
      });
      expect(off.body.sendTraceContext).toBe(false);
    });

    it.each([
      ['a string', 'yes'],
      ['null', null],
    ])('refuses %s with 422 naming the field', async (_case, value) => {
      const res = await sut.api.post<{ details: Array<{ field: string }> }>(endpointPath(), {
        url: 'https://example.com/hook',
        sendTraceContext: value,
      });
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain('sendTraceContext');
    });

    it('refuses a custom traceparent header (the service sets it)', async () => {
      const res = await sut.api.post<{ details: Array<{ field: string }> }>(endpointPath(), {
        url: 'https://example.com/hook',
        headers: { traceparent: `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01` },
      });
      expect(res.status).toBe(422);
    });

    it('is documented in the OpenAPI document (create, update, response), with the traceparent header of the message routes', async () => {
      const doc = await sut.api.get<{
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
        paths: Record<string, { post?: { parameters?: Array<{ name: string; in: string }> } }>;
      }>('/docs-json');
      for (const schema of ['CreateEndpointDto', 'UpdateEndpointDto', 'EndpointResponseDto'])
        expect(doc.body.components.schemas[schema].properties).toHaveProperty('sendTraceContext');
      for (const route of ['/api/v1/apps/{appId}/messages', '/api/v1/apps/{appId}/messages/batch'])
        expect(doc.body.paths[route].post?.parameters).toContainEqual(
          expect.objectContaining({ name: 'traceparent', in: 'header' }),
        );
    });
  });

  it('exports with the configured protocol to <endpoint>/v1/traces', () => {
    expect(collector.requests.length).toBeGreaterThan(0);
    expect(collector.requests[0]).toEqual({ path: '/v1/traces', contentType: 'application/json' });
  });
});
