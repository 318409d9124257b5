import { Webhook } from 'standardwebhooks';
import { eventually } from './delivery.fixtures';
import { createApp, createEndpoint } from './support/builders';
import { startTestAppWithReceiver, type TestAppWithReceiver } from './support/test-app';

interface TestResult {
  messageId: string;
  deliveryId: string;
  outcome?: {
    succeeded: boolean;
    statusCode: number | null;
    durationMs: number;
    errorClass: string | null;
    responseBody: string | null;
  };
}
interface ValidationBody {
  code: string;
  details: Array<{ field: string; message: string }>;
}

const testPath = (appId: string, endpointId: string) =>
  `/api/v1/apps/${appId}/endpoints/${endpointId}/test`;

describe('POST …/endpoints/{endpointId}/test', () => {
  let sut: TestAppWithReceiver;
  let appId: string;
  const base = () => sut.receiver.url.replace('/webhook', '');

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({
      env: {
        DELIVERY_TIMEOUT_MS: '2000',
        WORKER_LEASE_MS: '5000',
        WORKER_SWEEP_INTERVAL_MS: '200',
      },
      receiver: (request) => {
        if (request.path === '/fails') return { status: 500, body: 'kaput' };
        if (request.path === '/hangs') return 'hang';
        return { status: 200, body: 'thanks' };
      },
    });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(() => sut.close());

  it('sends one signed delivery to that endpoint only and answers the attempt', async () => {
    const target = await createEndpoint(sut.api, appId, {
      url: `${base()}/target`,
      eventTypes: ['nothing.matches.this'],
      bodyFormat: 'payload',
    });
    await createEndpoint(sut.api, appId, { url: `${base()}/bystander` });
    const secret = (
      await sut.api.get<{ key: string }>(`/api/v1/apps/${appId}/endpoints/${target.id}/secret`)
    ).body.key;

    const res = await sut.api.post<TestResult>(testPath(appId, target.id), {
      eventType: 'user.subscription.renewed',
      payload: { userId: '42' },
    });

    expect(res.status).toBe(200);
    expect(res.body.outcome).toEqual({
      succeeded: true,
      statusCode: 200,
      durationMs: expect.any(Number),
      errorClass: null,
      responseBody: 'thanks',
    });
    const hits = sut.receiver.requests.filter((r) => r.path === '/target');
    expect(hits).toHaveLength(1);
    expect(hits[0].body).toBe('{"userId":"42"}');
    expect(
      new Webhook(secret).verify(hits[0].body, {
        'webhook-id': String(hits[0].headers['webhook-id']),
        'webhook-timestamp': String(hits[0].headers['webhook-timestamp']),
        'webhook-signature': String(hits[0].headers['webhook-signature']),
      }),
    ).toEqual({ userId: '42' });
    expect(sut.receiver.requests.filter((r) => r.path === '/bystander')).toHaveLength(0);
    const { rows } = await sut.db.query('SELECT endpoint_id FROM delivery WHERE message_id = $1', [
      res.body.messageId,
    ]);
    expect(rows).toEqual([{ endpoint_id: target.id }]);
  });

  it('marks the message as a test in the events feed', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${base()}/feed` });
    const res = await sut.api.post<TestResult>(testPath(appId, endpoint.id), {
      eventType: 'feed.check',
      payload: {},
    });
    const message = await sut.api.get<{ test: boolean }>(
      `/api/v1/apps/${appId}/messages/${res.body.messageId}`,
    );
    expect(message.body.test).toBe(true);
  });

  it('reports a failed attempt with its class and the response excerpt', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${base()}/fails` });
    const res = await sut.api.post<TestResult>(testPath(appId, endpoint.id), {
      eventType: 'a.b',
      payload: { n: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toMatchObject({
      succeeded: false,
      statusCode: 500,
      errorClass: 'status',
      responseBody: 'kaput',
    });
  });

  it('answers 202 with the delivery id when the attempt does not finish within the delivery timeout', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${base()}/hangs` });
    const res = await sut.api.post<TestResult>(testPath(appId, endpoint.id), {
      eventType: 'a.b',
      payload: { n: 1 },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ messageId: expect.any(String), deliveryId: expect.any(String) });
    // The attempt itself still happens and is logged.
    const attempt = await eventually(async () => {
      const { rows } = await sut.db.query<{ error_class: string }>(
        'SELECT error_class FROM attempt WHERE delivery_id = $1',
        [res.body.deliveryId],
      );
      return rows[0];
    });
    expect(attempt.error_class).toBe('timeout');
  }, 30_000);

  it("sends the event type's first example when no payload is given", async () => {
    const created = await sut.api.post('/api/v1/event-types', {
      name: 'example.sent',
      schema: { type: 'object', required: ['plan'] },
      examples: [{ plan: 'pro', big: 1 }, { plan: 'free' }],
    });
    expect(created.status).toBe(201);
    const endpoint = await createEndpoint(sut.api, appId, { url: `${base()}/example` });
    const res = await sut.api.post<TestResult>(testPath(appId, endpoint.id), {
      eventType: 'example.sent',
    });
    expect(res.status).toBe(200);
    const [hit] = sut.receiver.requests.filter((r) => r.path === '/example');
    expect(JSON.parse(hit.body).data).toEqual({ plan: 'pro', big: 1 });
  });

  it('answers 422 naming payload when the type has no example', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${base()}/none` });
    const res = await sut.api.post<ValidationBody>(testPath(appId, endpoint.id), {
      eventType: 'never.registered',
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'payload' })]);
  });

  it.each([
    ['a missing eventType', {}, 'eventType'],
    ['an invalid eventType', { eventType: 'a b' }, 'eventType'],
    ['a payload that is not an object', { eventType: 'a.b', payload: [1] }, 'payload'],
  ])('answers 422 for %s', async (_case, body, field) => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${base()}/invalid` });
    const res = await sut.api.post<ValidationBody>(testPath(appId, endpoint.id), body);
    expect(res.status).toBe(422);
    expect(res.body.details.map((d) => d.field)).toContain(field);
  });

  it('refuses examples that do not satisfy the schema, naming examples', async () => {
    const res = await sut.api.post<ValidationBody>('/api/v1/event-types', {
      name: 'example.invalid',
      schema: { type: 'object', required: ['plan'] },
      examples: [{ nope: true }],
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'examples' })]);
  });

  it('answers 404 for an unknown endpoint', async () => {
    const res = await sut.api.post(testPath(appId, 'ep_01JD7X5K0Q3R6W8Y9Z0A1B2C3D'), {
      eventType: 'a.b',
      payload: {},
    });
    expect(res.status).toBe(404);
  });
});

describe('POST …/test with the SSRF guard on', () => {
  let sut: TestAppWithReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({ env: { DELIVERY_ALLOW_PRIVATE_NETWORKS: 'false' } });
  });
  afterAll(() => sut.close());

  it('refuses a destination resolving to loopback: errorClass blocked, nothing sent', async () => {
    const appId = (await createApp(sut.api)).id;
    const endpoint = await createEndpoint(sut.api, appId, {
      url: `http://localhost:${sut.receiver.port}/webhook`,
    });
    const res = await sut.api.post<TestResult>(testPath(appId, endpoint.id), {
      eventType: 'a.b',
      payload: { n: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toMatchObject({
      succeeded: false,
      statusCode: null,
      errorClass: 'blocked',
    });
    expect(sut.receiver.requests).toHaveLength(0);
  });
});
