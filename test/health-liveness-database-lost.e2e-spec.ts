import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../src/config/app-config';
import { createHttpApp } from '../src/http-app';
import { ApiClient } from './support/api-client';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Issue 17: with its embedded PostgreSQL killed, the service answered 503 for good while
 * /health/live stayed 200, so no orchestrator restarted it. Liveness now fails once the
 * database server is lost for good (the embedded supervisor gave up); not before.
 */
describe('Liveness when the database server is lost for good', () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let api: ApiClient;
  let lost: string | null = null;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({
      ROLE: 'api',
      DATABASE_URL: database.url,
      ADMIN_API_KEYS: TEST_ADMIN_KEY,
      SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: 'silent',
    });
    app = await createHttpApp({
      config,
      databaseUrl: database.url,
      keys: {
        adminApiKeys: config.ADMIN_API_KEYS,
        encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, 'base64'),
      },
      logger: false,
      databaseFailure: () => lost,
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    api = new ApiClient(`http://127.0.0.1:${port}`, null);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('is 200 while the server runs or is being restarted, 503 once it cannot be', async () => {
    const before = await api.get('/health/live');
    lost = 'embedded PostgreSQL exited (signal SIGKILL) and 7 restarts failed';
    const after = await api.get<{ details?: Record<string, { message?: string }> }>('/health/live');

    expect({
      before: before.status,
      after: after.status,
      // The public answer names no path or PostgreSQL line: those are in the log.
      message: after.body.details?.databaseServer?.message,
    }).toEqual({
      before: 200,
      after: 503,
      message: 'the database server was lost and could not be restarted',
    });
  });
});
