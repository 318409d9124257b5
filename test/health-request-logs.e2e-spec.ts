import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger } from '../src/common/logging/json-logger';
import { loadConfig } from '../src/config/app-config';
import { createHttpApp } from '../src/http-app';
import { ApiClient } from './support/api-client';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

interface LogLine {
  context?: string;
  msg?: string;
  [key: string]: unknown;
}

/** The real app with a JsonLogger writing into memory, so the test reads what production would print. */
async function startLoggedApp(database: TestDatabase, env: Record<string, string>) {
  const written: string[] = [];
  const config = loadConfig({
    ROLE: 'api',
    DATABASE_URL: database.url,
    ADMIN_API_KEYS: TEST_ADMIN_KEY,
    SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DATABASE_POOL_SIZE: '4',
    ...env,
  });
  const app: NestFastifyApplication = await createHttpApp({
    config,
    databaseUrl: database.url,
    keys: {
      adminApiKeys: config.ADMIN_API_KEYS,
      encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, 'base64'),
    },
    logger: new JsonLogger('info', { write: (chunk: string) => void written.push(chunk) }),
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    api: new ApiClient(`http://127.0.0.1:${port}`, TEST_ADMIN_KEY),
    requestLines: () =>
      written.map((l) => JSON.parse(l) as LogLine).filter((l) => l.context === 'HttpRequest'),
    raw: () => written.join(''),
  };
}

describe('Request logs', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  describe('with HTTP_LOG_REQUESTS=true', () => {
    let sut: Awaited<ReturnType<typeof startLoggedApp>>;

    beforeAll(async () => {
      sut = await startLoggedApp(database, { HTTP_LOG_REQUESTS: 'true' });
    });
    afterAll(() => sut.app.close());

    it('logs one line per request with its id, method, route pattern, status and duration', async () => {
      await sut.api.get('/api/v1/apps/app_does_not_exist', { 'x-request-id': 'req-log-1' });
      const line = sut.requestLines().find((l) => l.requestId === 'req-log-1');
      expect(line).toMatchObject({
        msg: 'request completed',
        method: 'GET',
        route: '/api/v1/apps/:appId',
        status: 404,
        level: 'info',
      });
      expect(typeof line?.durationMs).toBe('number');
    });

    it('never logs the query string or the authorization header', async () => {
      await sut.api.get('/api/v1/apps?cursor=secret-in-query-123', { 'x-request-id': 'req-log-2' });
      expect(sut.requestLines().find((l) => l.requestId === 'req-log-2')).toMatchObject({
        route: '/api/v1/apps',
        status: expect.any(Number),
      });
      expect(sut.raw()).not.toContain('secret-in-query-123');
      expect(sut.raw()).not.toContain(TEST_ADMIN_KEY);
    });
  });

  it('logs no request lines by default (the ingest path is hot)', async () => {
    const sut = await startLoggedApp(database, {});
    try {
      await sut.api.get('/api/v1/apps');
      expect(sut.requestLines()).toEqual([]);
    } finally {
      await sut.app.close();
    }
  });
});
