import { Webhook } from 'standardwebhooks';
import { FakeClock } from '../src/common/clock';
import { DeliveryWorker } from '../src/delivery/worker/delivery-worker';
import { eventually } from './support/eventually';
import { deliveriesOf } from './support/queue-probe';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

const HOUR = 3_600_000;

interface Accepted {
  id: string;
  createdAt: string;
}

const signatures = (request: ReceivedRequest): string[] =>
  String(request.headers['webhook-signature']).split(' ');

/** What the reference library signs for this request's id, timestamp and raw body. */
const expectedSignature = (secret: string, request: ReceivedRequest): string =>
  new Webhook(secret).sign(
    String(request.headers['webhook-id']),
    new Date(Number(request.headers['webhook-timestamp']) * 1000),
    request.body,
  );

/**
 * Signing end to end through the API and the real worker: messages go in with
 * POST …/messages, secrets are read and rotated through the API, the clock is a FakeClock
 * (so the 24 h grace of a rotated secret passes in milliseconds), and every signature is
 * checked with the independent `standardwebhooks` package.
 */
describe('Delivery signing through the API', () => {
  const clock = new FakeClock(Date.now());
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let receiver: TestReceiver;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      clock,
      env: { WORKER_SWEEP_INTERVAL_MS: '600000', CIRCUIT_BREAKER_THRESHOLD: '10000' },
    });
    // The first request to …/flaky fails; everything else succeeds.
    let flakyFailed = false;
    receiver = await startReceiver((request) => {
      if (!request.path.endsWith('/flaky') || flakyFailed) return { status: 200 };
      flakyFailed = true;
      return { status: 503 };
    });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  const send = async (payload: string): Promise<Accepted> => {
    // A string body goes out verbatim: the payload's exact bytes are part of what is checked.
    const res = await sut.api.post<Accepted>(
      `/api/v1/apps/${appId}/messages`,
      `{"eventType":"user.subscription.renewed","payload":${payload}}`,
    );
    expect(res.status).toBe(202);
    return res.body;
  };
  const deliveredTo = (path: string, count: number): Promise<ReceivedRequest[]> =>
    eventually(
      async () => {
        const hits = receiver.requests.filter((r) => r.path.endsWith(path));
        return hits.length >= count ? hits : undefined;
      },
      10_000,
      `${count} requests to ${path}`,
    );

  it('delivers a message posted to the API in the documented envelope, verifiable with the secret from the API', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${receiver.url}/plain` });
    const secret = (await sut.api.get<{ key: string }>(secretPath(appId, endpoint.id))).body.key;
    const payload = '{"userId":"42","plan":"pro","amount":12345678901234567890}';

    const message = await send(payload);
    const [request] = await deliveredTo('/plain', 1);

    expect(request.body).toBe(
      `{"id":"${message.id}","type":"user.subscription.renewed","timestamp":"${message.createdAt}","data":${payload}}`,
    );
    expect(request.headers['webhook-id']).toBe(message.id);
    expect(() =>
      new Webhook(secret).verify(request.body, {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      }),
    ).not.toThrow();
  });

  it('signs a retry again with its own timestamp, under the same webhook-id', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${receiver.url}/flaky` });
    const secret = (await sut.api.get<{ key: string }>(secretPath(appId, endpoint.id))).body.key;
    const message = await send('{"n":1}');
    await deliveredTo('/flaky', 1);
    // The failure is recorded (and the retry scheduled) before the clock jumps past it.
    await eventually(
      async () =>
        (await deliveriesOf(sut.db, { messageIds: [message.id], status: 'pending' })).some(
          (d) => d.attempts === 1,
        ),
      5_000,
      'the first attempt to be recorded',
    );

    clock.advance(60_000);
    await sut.app.get(DeliveryWorker).sweep();
    const [first, retry] = await deliveredTo('/flaky', 2);

    expect([first.headers['webhook-id'], retry.headers['webhook-id']]).toEqual([
      message.id,
      message.id,
    ]);
    expect(retry.body).toBe(first.body);
    expect(Number(retry.headers['webhook-timestamp'])).toBeGreaterThan(
      Number(first.headers['webhook-timestamp']),
    );
    for (const request of [first, retry])
      expect(signatures(request)).toEqual([expectedSignature(secret, request)]);
  });

  it('signs with both secrets for 24 hours after a rotation through the API, then with the new one only', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { url: `${receiver.url}/rotating` });
    const path = secretPath(appId, endpoint.id);
    const old = (await sut.api.get<{ key: string }>(path)).body.key;
    const rotated = await sut.api.post<{ key: string }>(`${path}/rotate`, {});
    expect(rotated.status).toBe(200);
    const current = rotated.body.key;

    // Each is delivered before the clock moves on: the attempt's time decides the signatures.
    await send('{"step":"just rotated"}');
    await deliveredTo('/rotating', 1);
    clock.advance(23 * HOUR);
    await send('{"step":"23 h later"}');
    await deliveredTo('/rotating', 2);
    clock.advance(HOUR);
    await send('{"step":"24 h later"}');
    const requests = await deliveredTo('/rotating', 3);

    expect(requests.map(signatures)).toEqual([
      [expectedSignature(current, requests[0]), expectedSignature(old, requests[0])],
      [expectedSignature(current, requests[1]), expectedSignature(old, requests[1])],
      [expectedSignature(current, requests[2])],
    ]);
  });
});

function secretPath(appId: string, endpointId: string): string {
  return `/api/v1/apps/${appId}/endpoints/${endpointId}/secret`;
}
