import { eventually, insertApp, insertEndpoint, insertMessages } from './delivery.fixtures';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

const MAX_IN_FLIGHT = 4;

/**
 * Issue 17: a 410 took ~200 ms to disable its endpoint (through the database), and the
 * worker sent 32 more requests meanwhile. It stops sending to the endpoint at once now: only
 * the sends already in flight when the first 410 came back reach the receiver.
 */
describe('410 Gone stops sending to the endpoint at once', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let receiver: TestReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      env: { ENDPOINT_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), CIRCUIT_BREAKER_THRESHOLD: '10000' },
    });
    // A little latency, as real receivers have, so sends overlap.
    receiver = await startReceiver(() => ({ status: 410, delayMs: 20 }));
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  it('sends no more than what was in flight when the first 410 came back', async () => {
    const now = new Date();
    const appId = await insertApp(sut.db, now);
    const endpoint = await insertEndpoint(sut.db, appId, now, { url: receiver.url });
    await insertMessages(sut.db, appId, endpoint.id, now, 200);

    await eventually(
      async () => {
        const { rows } = await sut.db.query<{ disabled: boolean; unsettled: number }>(
          `SELECT e.disabled,
                  (SELECT count(*)::int FROM delivery d
                    WHERE d.endpoint_id = e.id AND d.status = 'delivering') AS unsettled
             FROM endpoint e WHERE e.id = $1`,
          [endpoint.id],
        );
        return rows[0].disabled && rows[0].unsettled === 0;
      },
      30_000,
      'the endpoint to be disabled and nothing leased for it',
    );

    expect(receiver.requests.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  }, 60_000);
});
