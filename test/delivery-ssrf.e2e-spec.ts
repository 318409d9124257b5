import {
  attemptRows,
  insertApp,
  insertEndpoint,
  insertMessages,
  settledStatus,
} from './delivery.fixtures';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

describe('Delivery to a forbidden destination', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let receiver: TestReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { DELIVERY_ALLOW_PRIVATE_NETWORKS: 'false' } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  it.each([
    ['an IP literal', (port: number) => `http://127.0.0.1:${port}/webhook`],
    ['a name resolving to loopback', (port: number) => `http://localhost:${port}/webhook`],
  ])('fails at once, class blocked, without retries, for %s', async (_case, url) => {
    const appId = await insertApp(sut.db, new Date());
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), { url: url(receiver.port) });
    const { deliveryIds } = await insertMessages(sut.db, appId, endpoint.id, new Date());
    const row = await settledStatus(sut.db, deliveryIds[0], 'failed');
    expect(row).toMatchObject({ attempts: 1, next_attempt_at: null });
    expect((await attemptRows(sut.db, deliveryIds[0]))[0]).toMatchObject({
      succeeded: false,
      error_class: 'blocked',
    });
    expect(receiver.requests).toHaveLength(0);
  });
});
