import { insertApp, insertEndpoint } from './delivery.fixtures';
import { attemptRows, enqueueMessages, settledStatus } from './support/queue-probe';
import { createApp } from './support/builders';
import { startTestAppWithReceiver, type TestAppWithReceiver } from './support/test-app';

describe('Delivery to a forbidden destination', () => {
  let sut: TestAppWithReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({ env: { DELIVERY_ALLOW_PRIVATE_NETWORKS: 'false' } });
  });
  afterAll(() => sut.close());

  it.each([
    ['an IP literal', (port: number) => `http://127.0.0.1:${port}/webhook`],
    ['a name resolving to loopback', (port: number) => `http://localhost:${port}/webhook`],
  ])('fails at once, class blocked, without retries, for %s', async (_case, url) => {
    const appId = await insertApp(sut.db, new Date());
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
      url: url(sut.receiver.port),
    });
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
    const row = await settledStatus(sut.db, deliveryIds[0], 'failed');
    expect(row).toMatchObject({ attempts: 1, next_attempt_at: null });
    expect((await attemptRows(sut.db, deliveryIds[0]))[0]).toMatchObject({
      succeeded: false,
      error_class: 'blocked',
    });
    expect(sut.receiver.requests).toHaveLength(0);
  });
});

describe('DELIVERY_DENY_ADDRESSES', () => {
  let sut: TestAppWithReceiver;

  beforeAll(async () => {
    // Private networks allowed (a local receiver), yet 127.0.0.2 and 203.0.113.0/24 denied.
    sut = await startTestAppWithReceiver({
      env: {
        DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
        DELIVERY_DENY_ADDRESSES: '127.0.0.2,203.0.113.0/24',
      },
      receiverHost: '127.0.0.2',
    });
  });
  afterAll(() => sut.close());

  it('refuses an endpoint URL naming a denied address, even a public one', async () => {
    const app = (await createApp(sut.api)).id;
    const refused = await sut.api.post<{ code: string }>(`/api/v1/apps/${app}/endpoints`, {
      url: 'https://203.0.113.9/hooks',
    });
    const accepted = await sut.api.post(`/api/v1/apps/${app}/endpoints`, {
      url: 'https://198.51.100.9/hooks',
    });

    expect([refused.status, refused.body.code, accepted.status]).toEqual([
      422,
      'forbidden_address',
      201,
    ]);
  });

  it('blocks a delivery to a denied address at connect time, without retries', async () => {
    const appId = await insertApp(sut.db, new Date());
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), { url: sut.receiver.url });
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());

    const row = await settledStatus(sut.db, deliveryIds[0], 'failed');

    expect(row).toMatchObject({ attempts: 1, next_attempt_at: null });
    expect((await attemptRows(sut.db, deliveryIds[0]))[0]).toMatchObject({
      error_class: 'blocked',
    });
    expect(sut.receiver.requests).toHaveLength(0);
  });
});
