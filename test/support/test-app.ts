import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { Clock } from '../../src/common/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createHttpApp } from '../../src/http-app';
import { ApiClient } from './api-client';
import { ReceiverBehaviour, startReceiver, TestReceiver } from './receiver';
import { createTestDatabase, TestDatabase, testPool } from './test-database';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** "GET /api/v1/apps/{appId}": one route, params in braces as the OpenAPI document spells them. */
export type RouteKey = string;

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  api: ApiClient;
  /** Every route the app serves, as Fastify registered them. */
  routes: ReadonlySet<RouteKey>;
  /** Direct access for assertions on what was (not) written. */
  db: Pool;
  close(): Promise<void>;
}

export interface TestAppOptions {
  database: TestDatabase;
  env?: Record<string, string>;
  clock?: Clock;
}

/**
 * Boots the real application (same factory as main.ts) on a real PostgreSQL and a real
 * HTTP port. Deliveries to loopback receivers need DELIVERY_ALLOW_PRIVATE_NETWORKS, which
 * is on here unless a test turns it off.
 */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const config = loadConfig({
    ROLE: 'all',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: options.database.url,
    ADMIN_API_KEYS: TEST_ADMIN_KEY,
    SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '6',
    ...options.env,
  });
  const app = await createHttpApp({
    config,
    databaseUrl: options.database.url,
    keys: {
      adminApiKeys: config.ADMIN_API_KEYS,
      encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, 'base64'),
    },
    clock: options.clock,
    logger: false,
  });
  const routes = recordRoutes(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const db = testPool(options.database);
  return {
    app,
    config,
    baseUrl,
    api: new ApiClient(baseUrl, TEST_ADMIN_KEY),
    routes,
    db,
    async close() {
      await app.close();
      await db.end();
    },
  };
}

/**
 * A Fastify onRoute hook added before Nest registers its controllers' routes (at listen), so
 * the test sees every route the app actually serves.
 */
function recordRoutes(app: NestFastifyApplication): Set<RouteKey> {
  const routes = new Set<RouteKey>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        // Fastify answers HEAD for every GET by itself; the document lists the GET.
        if (method !== 'HEAD') routes.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      }
    });
  return routes;
}

export type TestAppWithDatabase = TestApp & { database: TestDatabase };

/** The common case: one database and one app for a test file. */
export async function startTestAppWithDatabase(
  options: Omit<TestAppOptions, 'database'> = {},
): Promise<TestAppWithDatabase> {
  const database = await createTestDatabase();
  const testApp = await startTestApp({ ...options, database });
  return {
    ...testApp,
    database,
    async close() {
      await testApp.close();
      await database.drop();
    },
  };
}

export type TestAppWithReceiver = TestAppWithDatabase & { receiver: TestReceiver };

export interface TestAppWithReceiverOptions extends Omit<TestAppOptions, 'database'> {
  /** How the receiver answers (200 unless given). */
  receiver?: ReceiverBehaviour;
  /** The loopback address the receiver listens on (127.0.0.1 unless given). */
  receiverHost?: string;
}

/** The common case of delivery tests: one database, one app and a real receiver to deliver to. */
export async function startTestAppWithReceiver(
  options: TestAppWithReceiverOptions = {},
): Promise<TestAppWithReceiver> {
  const { receiver: behaviour, receiverHost, ...appOptions } = options;
  const testApp = await startTestAppWithDatabase(appOptions);
  const receiver = await startReceiver(behaviour, receiverHost);
  return {
    ...testApp,
    receiver,
    async close() {
      await testApp.close();
      await receiver.close();
    },
  };
}
