import { MIGRATIONS } from '../src/database/migrations';
import { createApp, createEndpoint } from './support/builders';
import { TEST_ADMIN_KEY, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

describe('Service foundation', () => {
  let database: TestDatabase;
  let sut: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    sut = await startTestApp({
      database,
      env: { ADMIN_API_KEYS: `${TEST_ADMIN_KEY},second-key-0123456789abcdef` },
    });
  });
  afterAll(async () => {
    await sut.close();
    await database.drop();
  });

  describe('auth', () => {
    it('answers 401 without a key', async () => {
      const res = await sut.api.withKey(null).get('/api/v1/apps');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'unauthorized' });
    });

    it('answers 401 with a wrong key', async () => {
      expect((await sut.api.withKey('wrong-key-0123456789abcdef').get('/api/v1/apps')).status).toBe(
        401,
      );
    });

    it('accepts every configured key, so keys can be rotated', async () => {
      expect(
        (await sut.api.withKey('second-key-0123456789abcdef').get('/api/v1/apps')).status,
      ).toBe(200);
      expect((await sut.api.get('/api/v1/event-types')).status).toBe(200);
    });

    it.each([
      ['without a key', null],
      ['with a wrong key', 'wrong-key-0123456789abcdef'],
    ])('names the Bearer scheme in WWW-Authenticate on a 401 %s', async (_case, key) => {
      const res = await sut.api.withKey(key).get('/api/v1/apps');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('sends no WWW-Authenticate when the key is accepted', async () => {
      expect((await sut.api.get('/api/v1/apps')).headers['www-authenticate']).toBeUndefined();
    });

    it('protects writes too', async () => {
      expect(
        (await sut.api.withKey(null).post('/api/v1/event-types', { name: 'x.y' })).status,
      ).toBe(401);
    });
  });

  describe('OpenAPI', () => {
    it('serves the UI at /docs and the document at /docs-json with every route', async () => {
      expect((await sut.api.withKey(null).get('/docs')).status).toBe(200);
      const doc = await sut.api.withKey(null).get<{ paths: Record<string, unknown> }>('/docs-json');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/apps',
          '/api/v1/apps/{appId}',
          '/api/v1/event-types',
          '/api/v1/event-types/{name}',
        ]),
      );
    });
  });

  describe('errors', () => {
    it('answers unknown routes with a JSON 404', async () => {
      const res = await sut.api.get('/api/v1/nope');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404 });
    });

    it('answers a non-JSON content type with 415', async () => {
      const res = await sut.api.post('/api/v1/apps', 'name=x', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(415);
    });

    it('tags every answer with a request id', async () => {
      const res = await sut.api.get('/api/v1/apps', { 'x-request-id': 'req-123' });
      expect(res.headers['x-request-id']).toBe('req-123');
    });
  });

  describe('signing secrets', () => {
    it.each([
      ['GET …/secret', 'GET'],
      ['POST …/secret/rotate', 'POST'],
    ])('answers %s with Cache-Control: no-store', async (_route, method) => {
      const app = await createApp(sut.api);
      const endpoint = await createEndpoint(sut.api, app.id);
      const secretPath = `/api/v1/apps/${app.id}/endpoints/${endpoint.id}/secret`;

      const res =
        method === 'GET'
          ? await sut.api.get(secretPath)
          : await sut.api.post(`${secretPath}/rotate`, {});

      expect({ status: res.status, cacheControl: res.headers['cache-control'] }).toEqual({
        status: 200,
        cacheControl: 'no-store',
      });
    });
  });

  describe('migrations', () => {
    it('ran once, recorded in schema_migrations', async () => {
      const rows = await sut.db.query('SELECT name FROM schema_migrations');
      expect(rows.rows.map((r) => r.name)).toContain('InitialSchema1763800000000');
    });

    it('are idempotent across a second process start on the same database', async () => {
      const names = async () =>
        (
          await sut.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')
        ).rows.map((r) => r.name);
      const before = await names();
      const second = await startTestApp({ database });
      await second.close();
      // Each migration recorded once, none run (and recorded) again by the second start.
      expect(before).toHaveLength(MIGRATIONS.length);
      expect(new Set(before).size).toBe(MIGRATIONS.length);
      expect(await names()).toEqual(before);
      expect((await sut.api.get('/api/v1/apps')).status).toBe(200);
    });
  });

  describe('roles', () => {
    it('serves no API routes from a ROLE=worker process, only health and metrics', async () => {
      const worker = await startTestApp({
        database,
        env: { ROLE: 'worker', METRICS_TOKEN: 'metrics-token-0123456789' },
      });
      try {
        for (const path of [
          '/api/v1/apps',
          '/api/v1/event-types',
          '/api/v1/apps/x/messages',
          '/api/v1/apps/x/endpoints',
          '/docs-json',
        ]) {
          expect({ path, status: (await worker.api.get(path)).status }).toEqual({
            path,
            status: 404,
          });
        }
        expect((await worker.api.get('/health/live')).status).toBe(200);
        expect((await worker.api.withKey('metrics-token-0123456789').get('/metrics')).status).toBe(
          200,
        );
      } finally {
        await worker.close();
      }
    });
  });
});
