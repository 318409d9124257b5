import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { eventually } from './delivery.fixtures';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

/**
 * Receivers written the way Nami ML, Adapty and Glassfy document them for their customers,
 * receiving real deliveries through the API and the worker, configured as the README's
 * migration guide says. Each receiver's own check decides whether it accepts (2xx) or not;
 * the `standardwebhooks` package then verifies the very same requests.
 */

/** Nami ML: `nami-signature` is the lowercase hex HMAC-SHA-256 of the raw body with the customer's secret. */
function namiReceiver(secret: string) {
  const computeSignature = (rawBody: string, key: string): string =>
    createHmac('sha256', key).update(rawBody).digest('hex');
  return (request: ReceivedRequest): { status: number } => {
    const expected = Buffer.from(computeSignature(request.body, secret));
    const given = Buffer.from(String(request.headers['nami-signature'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { status: 401 };
    const event = JSON.parse(request.body) as Record<string, unknown>;
    // The documented top-level fields of every Nami payload.
    for (const field of ['created_date', 'event_type', 'id', 'user_id'])
      if (!(field in event)) return { status: 400 };
    return { status: 200 };
  };
}

/** Glassfy: `Authorization: Bearer <token>` and a flat body whose `type` is a number. */
function glassfyReceiver(token: string) {
  return (request: ReceivedRequest): { status: number } => {
    if (request.headers.authorization !== `Bearer ${token}`) return { status: 403 };
    const event = JSON.parse(request.body) as Record<string, unknown>;
    return typeof event.type === 'number' && typeof event.subscriberid === 'string'
      ? { status: 200 }
      : { status: 400 };
  };
}

/**
 * Adapty: the Authorization header equals exactly the value the customer configured in Adapty
 * (any string: no "Bearer " is added), and a flat body with profile_id, event_type, event_properties.
 */
function adaptyReceiver(authorization: string) {
  return (request: ReceivedRequest): { status: number } => {
    if (request.headers.authorization !== authorization) return { status: 401 };
    if (request.headers['content-type'] !== 'application/json') return { status: 415 };
    const event = JSON.parse(request.body) as Record<string, unknown>;
    return typeof event.profile_id === 'string' &&
      typeof event.event_type === 'string' &&
      typeof event.event_properties === 'object'
      ? { status: 200 }
      : { status: 400 };
  };
}

const NAMI_SECRET = 'nami-legacy-shared-secret-0001';
const GLASSFY_TOKEN = 'glassfy-token-abcdef123456';
const ADAPTY_AUTH = 'adapty-secret-123';

const NAMI_PAYLOAD =
  '{"created_date":"2024-05-01T10:00:00Z","event_type":"user.subscription.renewed","id":"a0f3","user_id":"u-1","amount_micros":12345678901234567890}';
const GLASSFY_PAYLOAD =
  '{"id":"657a8b24","type":5003,"store":"1","subscriberid":"1c72b30e","productid":"weekly","price":1.99,"price_usd":2.151237393911025,"event_date":1659112457}';
const ADAPTY_PAYLOAD =
  '{"profile_id":"772204ce","customer_user_id":"john","event_type":"subscription_renewed","event_datetime":"2023-02-18T18:40:22.000000+0000","event_properties":{"store":"app_store","price_usd":0.10000000000000000001},"event_api_version":1,"attributions":{"appsflyer":{"channel":"x"}},"user_attributes":{"plan":"pro"}}';

describe('Receivers of Nami ML, Glassfy and Adapty keep working unchanged', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let nami: TestReceiver;
  let glassfy: TestReceiver;
  let adapty: TestReceiver;
  let appId: string;
  const endpoints: Record<string, { id: string; secret: string }> = {};

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { WORKER_SWEEP_INTERVAL_MS: '600000' } });
    nami = await startReceiver(namiReceiver(NAMI_SECRET));
    glassfy = await startReceiver(glassfyReceiver(GLASSFY_TOKEN));
    adapty = await startReceiver(adaptyReceiver(ADAPTY_AUTH));
    appId = (await createApp(sut.api)).id;
    const configs: Record<string, Record<string, unknown>> = {
      // The README's migration guide, one endpoint per product.
      nami: {
        url: nami.url,
        eventTypes: ['nami.*'],
        bodyFormat: 'payload',
        secret: NAMI_SECRET,
        signatureHeader: 'nami-signature',
      },
      glassfy: {
        url: glassfy.url,
        eventTypes: ['glassfy.*'],
        bodyFormat: 'payload',
        authToken: GLASSFY_TOKEN,
        retrySchedule: ['5m', '15m', '30m', '60m'],
      },
      adapty: {
        url: adapty.url,
        eventTypes: ['adapty.*'],
        bodyFormat: 'payload',
        // Adapty sends its "Authorization header value" verbatim: so does the raw scheme.
        authToken: ADAPTY_AUTH,
        authTokenScheme: 'raw',
        omitFields: ['attributions', 'user_attributes'],
        eventTypeAliases: { 'adapty.subscription.renewed': 'subscription_renewed' },
        eventTypeField: 'event_type',
      },
    };
    for (const [name, config] of Object.entries(configs)) {
      const endpoint = await createEndpoint(sut.api, appId, config);
      const secret = await sut.api.get<{ key: string }>(
        `/api/v1/apps/${appId}/endpoints/${endpoint.id}/secret`,
      );
      endpoints[name] = { id: endpoint.id, secret: secret.body.key };
    }
  });
  afterAll(async () => {
    await sut.close();
    await Promise.all([nami.close(), glassfy.close(), adapty.close()]);
  });

  const send = async (eventType: string, payload: string): Promise<string> => {
    const res = await sut.api.post<{ id: string }>(
      `/api/v1/apps/${appId}/messages`,
      `{"eventType":${JSON.stringify(eventType)},"payload":${payload}}`,
    );
    expect(res.status).toBe(202);
    return res.body.id;
  };
  const succeeded = (messageId: string) =>
    eventually(
      async () => {
        const { rows } = await sut.db.query<{ status: string; last_status_code: number | null }>(
          'SELECT status, last_status_code FROM delivery WHERE message_id = $1',
          [messageId],
        );
        return rows.length === 1 && rows[0].status !== 'pending' && rows[0].status !== 'delivering'
          ? rows[0]
          : undefined;
      },
      15_000,
      `delivery of ${messageId}`,
    );
  const standardWebhooksVerifies = (request: ReceivedRequest, webhook: Webhook): unknown =>
    webhook.verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });

  it('Nami ML: the receiver verifies nami-signature with its pre-existing plain secret and reads the bare payload', async () => {
    const messageId = await send('nami.user.subscription.renewed', NAMI_PAYLOAD);

    expect(await succeeded(messageId)).toEqual({ status: 'succeeded', last_status_code: 200 });
    const [request] = nami.requests;
    expect(request.body).toBe(NAMI_PAYLOAD);
    expect(endpoints.nami.secret).toBe(NAMI_SECRET);
    // A plain secret keys webhook-signature with its own bytes: `format: 'raw'`.
    expect(standardWebhooksVerifies(request, new Webhook(NAMI_SECRET, { format: 'raw' }))).toEqual(
      JSON.parse(NAMI_PAYLOAD),
    );
  });

  it('Glassfy: the receiver checks the bearer token and reads a flat body with a numeric type', async () => {
    const messageId = await send('glassfy.subscription.renewed', GLASSFY_PAYLOAD);

    expect(await succeeded(messageId)).toEqual({ status: 'succeeded', last_status_code: 200 });
    const [request] = glassfy.requests;
    expect(request.body).toBe(GLASSFY_PAYLOAD);
    expect(endpoints.glassfy.secret).toMatch(/^whsec_/);
    expect(() =>
      standardWebhooksVerifies(request, new Webhook(endpoints.glassfy.secret)),
    ).not.toThrow();
  });

  it('Adapty: attributions and user_attributes are absent, event_type carries the alias, the rest is byte-exact', async () => {
    const messageId = await send(
      'adapty.subscription.renewed',
      ADAPTY_PAYLOAD.replace('"subscription_renewed"', '"ignored"'),
    );

    expect(await succeeded(messageId)).toEqual({ status: 'succeeded', last_status_code: 200 });
    const [request] = adapty.requests;
    expect(request.headers.authorization).toBe(ADAPTY_AUTH);
    expect(request.body).toBe(
      '{"profile_id":"772204ce","customer_user_id":"john","event_type":"subscription_renewed","event_datetime":"2023-02-18T18:40:22.000000+0000","event_properties":{"store":"app_store","price_usd":0.10000000000000000001},"event_api_version":1}',
    );
    expect(() =>
      standardWebhooksVerifies(request, new Webhook(endpoints.adapty.secret)),
    ).not.toThrow();
  });

  it('Adapty: a customer whose configured value is "Basic …" receives exactly that value', async () => {
    const basic = `Basic ${Buffer.from('adapty:pa55').toString('base64')}`;
    const receiver = await startReceiver(adaptyReceiver(basic));
    try {
      await createEndpoint(sut.api, appId, {
        url: receiver.url,
        eventTypes: ['adapty-basic.*'],
        bodyFormat: 'payload',
        authToken: basic,
        authTokenScheme: 'raw',
      });
      const messageId = await send('adapty-basic.subscription.renewed', ADAPTY_PAYLOAD);

      expect(await succeeded(messageId)).toEqual({ status: 'succeeded', last_status_code: 200 });
      expect(receiver.requests[0].headers.authorization).toBe(basic);
    } finally {
      await receiver.close();
    }
  });
});
