import { insertApp } from './delivery.fixtures';
import { startTestAppWithDatabase } from './support/test-app';
import { newId } from '../src/common/ids';

/**
 * Issue 17: a 10,000-level payload was accepted (202) and then `GET …/messages/{id}` answered
 * 500. The body parser refuses such depth now; a message stored before that (or written
 * around the API) must still be readable.
 */
describe('A message stored with a payload deeper than the body limit', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { ROLE: 'api' } });
  });
  afterAll(() => sut.close());

  it('is served by GET …/messages/{id} and listed by the events feed', async () => {
    const now = new Date();
    const appId = await insertApp(sut.db, now);
    const id = newId('msg');
    const payload = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    await sut.db.query(
      'INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES ($1, $2, $3, $4, $5)',
      [id, appId, 'deep.old', payload, now],
    );

    const one = await sut.api.get(`/api/v1/apps/${appId}/messages/${id}`);
    const feed = await sut.api.get(`/api/v1/apps/${appId}/messages?withPayload=true`);

    expect({ one: one.status, feed: feed.status }).toEqual({ one: 200, feed: 200 });
  });
});
