import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { generateSigningSecret } from '../src/common/signing-secret';
import { USER_AGENT } from '../src/common/product';
import { hexBodySignature } from '../src/delivery/signing/signature-signer';
import { insertApp, insertEndpoint } from './delivery.fixtures';
import { eventually } from './support/eventually';
import { attemptRows, deliveryRow, enqueueMessages, settledStatus } from './support/queue-probe';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

type Sut = Awaited<ReturnType<typeof startTestAppWithDatabase>>;

const verifyHeaders = (h: Record<string, unknown>): Record<string, string> => ({
  'webhook-id': String(h['webhook-id']),
  'webhook-timestamp': String(h['webhook-timestamp']),
  'webhook-signature': String(h['webhook-signature']),
});

describe('Delivery worker', () => {
  let sut: Sut;
  let appId: string;
  const receivers: TestReceiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>): Promise<TestReceiver> => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      env: { DELIVERY_TIMEOUT_MS: '500', WORKER_SWEEP_INTERVAL_MS: '100' },
    });
    appId = await insertApp(sut.db, new Date());
  });
  afterAll(async () => {
    await sut.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  describe('a successful delivery', () => {
    let r: TestReceiver;
    let endpoint: { id: string; secret: string };
    let deliveryId: string;
    let messageId: string;

    beforeAll(async () => {
      r = await receiver(() => ({ status: 204 }));
      endpoint = await insertEndpoint(sut.db, appId, new Date(), {
        url: r.url + '?source=hookrelay',
        headers: { 'X-Tenant': 'acme' },
        authToken: 'tok_secret_value',
        signatureHeader: 'X-Signature',
      });
      const inserted = await enqueueMessages(
        sut.db,
        appId,
        endpoint.id,
        new Date(),
        1,
        () => '{ "total": 42.10, "b": [1,2] }',
      );
      deliveryId = inserted.deliveryIds[0];
      messageId = inserted.messageIds[0];
      await r.waitFor(1);
      await settledStatus(sut.db, deliveryId, 'succeeded');
    });

    it('POSTs the Standard Webhooks body with the stored payload bytes', () => {
      const request = r.requests[0];
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/webhook?source=hookrelay');
      expect(request.body).toMatch(
        new RegExp(
          `^\\{"id":"${messageId}","type":"invoice.paid","timestamp":"[^"]+","data":\\{ "total": 42.10, "b": \\[1,2\\] \\}\\}$`,
        ),
      );
    });

    it('is verifiable with the standardwebhooks package', () => {
      const request = r.requests[0];
      expect(
        new Webhook(endpoint.secret).verify(request.body, verifyHeaders(request.headers)),
      ).toMatchObject({ id: messageId });
    });

    it('sends content type, user agent, custom headers and the bearer token', () => {
      expect(r.requests[0].headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'x-tenant': 'acme',
        authorization: 'Bearer tok_secret_value',
        'webhook-id': messageId,
      });
    });

    it('adds the hex body signature header keyed by the secret text', () => {
      expect(r.requests[0].headers['x-signature']).toBe(
        hexBodySignature(endpoint.secret, r.requests[0].body),
      );
    });

    it('records one successful attempt', async () => {
      const attempts = await attemptRows(sut.db, deliveryId);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({
        attempt: 1,
        succeeded: true,
        status_code: 204,
        error_class: null,
      });
    });
  });

  it('signs with both secrets while a rotation is in grace, each verifiable', async () => {
    const r = await receiver();
    const previous = generateSigningSecret();
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
      url: r.url,
      previousSecret: previous,
      previousSecretExpiresAt: new Date(Date.now() + 3600_000),
    });
    await enqueueMessages(sut.db, appId, endpoint.id, new Date());
    const [request] = await r.waitFor(1);
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() =>
      new Webhook(endpoint.secret).verify(request.body, verifyHeaders(request.headers)),
    ).not.toThrow();
    expect(() =>
      new Webhook(previous).verify(request.body, verifyHeaders(request.headers)),
    ).not.toThrow();
  });

  it('drops the previous secret once it has expired', async () => {
    const r = await receiver();
    const previous = generateSigningSecret();
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
      url: r.url,
      previousSecret: previous,
      previousSecretExpiresAt: new Date(Date.now() - 1000),
    });
    await enqueueMessages(sut.db, appId, endpoint.id, new Date());
    const [request] = await r.waitFor(1);
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() =>
      new Webhook(previous).verify(request.body, verifyHeaders(request.headers)),
    ).toThrow();
  });

  describe('retries', () => {
    // A 1 s schedule keeps these tests in real time; the day-long default is simulated elsewhere.
    const fastSchedule = [1, 1, 1];

    it('retries after a 500, sending identical bytes, then succeeds', async () => {
      const r = await receiver((_req, i) =>
        i === 0 ? { status: 500, body: 'boom' } : { status: 200 },
      );
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
        url: r.url,
        retrySchedule: fastSchedule,
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
      await settledStatus(sut.db, deliveryIds[0], 'succeeded', 10_000);
      expect(r.requests[1].body).toBe(r.requests[0].body);
      const attempts = await attemptRows(sut.db, deliveryIds[0]);
      expect(
        attempts.map((a) => [
          a.attempt,
          a.succeeded,
          a.status_code,
          a.error_class,
          a.response_body,
        ]),
      ).toEqual([
        [1, false, 500, 'status', 'boom'],
        [2, true, 200, null, ''],
      ]);
    });

    it('retries after a timeout (receiver hangs), then succeeds', async () => {
      const r = await receiver((_req, i) => (i === 0 ? 'hang' : { status: 200 }));
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
        url: r.url,
        retrySchedule: fastSchedule,
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
      await settledStatus(sut.db, deliveryIds[0], 'succeeded', 10_000);
      const attempts = await attemptRows(sut.db, deliveryIds[0]);
      expect(attempts[0]).toMatchObject({
        succeeded: false,
        error_class: 'timeout',
        status_code: null,
      });
      expect(attempts[0].duration_ms).toBeGreaterThanOrEqual(400);
      expect(attempts[1]).toMatchObject({ succeeded: true });
    });

    it('retries after connection refused, then succeeds once the receiver is up', async () => {
      const r = await receiver();
      const port = r.port;
      await r.close();
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
        url: `http://127.0.0.1:${port}/webhook`,
        retrySchedule: [2, 2, 2],
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
      const firstFailure = await eventually(
        async () => (await attemptRows(sut.db, deliveryIds[0]))[0],
        10_000,
        'the first attempt to be recorded',
      );
      expect(firstFailure).toMatchObject({ succeeded: false, error_class: 'refused' });
      const revived = await startReceiver(() => ({ status: 200 }), '127.0.0.1').catch(() => null);
      // The OS may not hand the same port back; fall back to pointing the endpoint at the new one.
      if (revived) {
        receivers.push(revived);
        await sut.db.query('UPDATE endpoint SET url = $2, updated_at = $3 WHERE id = $1', [
          endpoint.id,
          revived.url,
          new Date(),
        ]);
      }
      await settledStatus(sut.db, deliveryIds[0], 'succeeded', 10_000);
      expect(revived?.requests).toHaveLength(1);
    });

    it('does not follow a redirect: a 3xx is a failure of class redirect', async () => {
      const target = await receiver();
      const r = await receiver(() => ({ status: 302, headers: { location: target.url } }));
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
        url: r.url,
        retrySchedule: [],
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
      const row = await settledStatus(sut.db, deliveryIds[0], 'failed');
      expect(row).toMatchObject({ attempts: 1, last_status_code: 302 });
      expect((await attemptRows(sut.db, deliveryIds[0]))[0]).toMatchObject({
        error_class: 'redirect',
      });
      expect(target.requests).toHaveLength(0);
    });

    it('stores at most 4 KiB of a large response body', async () => {
      const r = await receiver(() => ({ status: 500, body: 'x'.repeat(100_000) }));
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
        url: r.url,
        retrySchedule: [],
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
      await settledStatus(sut.db, deliveryIds[0], 'failed');
      expect((await attemptRows(sut.db, deliveryIds[0]))[0].response_body).toHaveLength(4096);
    });

    it('uses the app retry schedule when the endpoint has none, then fails for good', async () => {
      const scheduledApp = await insertApp(sut.db, new Date(), [1]);
      const r = await receiver(() => ({ status: 503 }));
      const endpoint = await insertEndpoint(sut.db, scheduledApp, new Date(), { url: r.url });
      const { deliveryIds } = await enqueueMessages(sut.db, scheduledApp, endpoint.id, new Date());
      const row = await settledStatus(sut.db, deliveryIds[0], 'failed', 10_000);
      expect(row).toMatchObject({ attempts: 2, last_status_code: 503, next_attempt_at: null });
      const [first, second] = await attemptRows(sut.db, deliveryIds[0]);
      expect(second.created_at.getTime() - first.created_at.getTime()).toBeGreaterThanOrEqual(1000);
    });
  });

  it('parks a due delivery of a disabled endpoint when it claims one, and sends it once re-enabled', async () => {
    const r = await receiver();
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
      url: r.url,
      disabled: true,
    });
    // Due although the endpoint is disabled: as when it was held by a worker at the disable,
    // or fanned out from a routing table not yet refreshed.
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
    const parked = await eventually(
      async () => {
        const row = await deliveryRow(sut.db, deliveryIds[0]);
        return row.status === 'pending' && row.next_attempt_at === null ? row : undefined;
      },
      10_000,
      'the delivery to be parked',
    );
    expect(parked.attempts).toBe(0);
    expect(r.requests).toHaveLength(0);

    const res = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
      disabled: false,
    });
    expect(res.status).toBe(200);
    await settledStatus(sut.db, deliveryIds[0], 'succeeded');
    expect(r.requests).toHaveLength(1);
  });

  describe('one deadline per attempt (DELIVERY_TIMEOUT_MS = 500 ms over connect, head and body)', () => {
    let trickling: Server;
    let url: string;
    /** Status of the head; the body then trickles a byte every 50 ms and never ends. */
    let status = 200;

    beforeAll(async () => {
      trickling = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(status, { 'content-type': 'text/plain' });
          const timer = setInterval(() => res.write('.'), 50);
          res.on('close', () => clearInterval(timer));
        });
      });
      await new Promise<void>((resolve) => trickling.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(trickling.address() as AddressInfo).port}/webhook`;
    });
    afterAll(async () => {
      trickling.closeAllConnections();
      await new Promise<void>((resolve) => trickling.close(() => resolve()));
    });

    it('cuts off an error answer whose body trickles, as a timeout (undici alone waits for ever)', async () => {
      status = 503;
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), { url, retrySchedule: [] });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
      await settledStatus(sut.db, deliveryIds[0], 'failed', 10_000);
      const [attempt] = await attemptRows(sut.db, deliveryIds[0]);
      expect(attempt).toMatchObject({ succeeded: false, error_class: 'timeout' });
      expect(attempt.duration_ms).toBeGreaterThanOrEqual(450);
      expect(attempt.duration_ms).toBeLessThan(2_000);
    });

    it('counts a 2xx whose body then trickles as delivered, once (a retry would duplicate it)', async () => {
      status = 200;
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
        url,
        retrySchedule: [1, 1],
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
      const row = await settledStatus(sut.db, deliveryIds[0], 'succeeded', 10_000);
      expect(row.attempts).toBe(1);
      const [attempt] = await attemptRows(sut.db, deliveryIds[0]);
      expect(attempt).toMatchObject({ succeeded: true, status_code: 200 });
      expect(attempt.duration_ms).toBeLessThan(2_000);
    });
  });
});
