import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../src/config/app-config';
import { createHttpApp } from '../src/http-app';
import { ApiClient } from './support/api-client';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
}
type OpenApiPaths = Record<string, Record<string, Operation>>;

/** "GET /api/v1/apps/{appId}": one route, spelled the way the OpenAPI document spells it. */
type RouteKey = string;

const PUBLIC_API_ROUTES: ReadonlySet<RouteKey> = new Set(['GET /api/v1/outbound-ips']);
/** The OpenAPI UI and document themselves (`/docs`, its assets, `/docs-json`, `/docs-yaml`). */
const isDocumentRoute = (route: RouteKey): boolean => / \/docs([/-]|$)/.test(route);
const WRONG_KEY = 'wrong-key-0123456789abcdef';

/**
 * The real app (same factory as main.ts), with a Fastify onRoute hook added before Nest
 * registers its controllers' routes, so the test sees every route the app actually serves.
 */
async function startAppListingRoutes(database: TestDatabase) {
  const config = loadConfig({
    ROLE: 'all',
    DATABASE_URL: database.url,
    ADMIN_API_KEYS: TEST_ADMIN_KEY,
    SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '4',
  });
  const app: NestFastifyApplication = await createHttpApp({
    config,
    databaseUrl: database.url,
    keys: {
      adminApiKeys: config.ADMIN_API_KEYS,
      encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, 'base64'),
    },
    logger: false,
  });
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
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, routes, api: new ApiClient(`http://127.0.0.1:${port}`, TEST_ADMIN_KEY) };
}

function documentedRoutes(paths: OpenApiPaths): Array<[RouteKey, Operation]> {
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]): [RouteKey, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

/** A request that reaches the route: made-up ids, and a JSON body where one is expected. */
function requestFor(route: RouteKey): {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
} {
  const [method, template] = route.split(' ') as ['GET' | 'POST' | 'PATCH' | 'DELETE', string];
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => `${name}-x`);
  return method === 'POST' || method === 'PATCH' ? { method, path, body: {} } : { method, path };
}

describe('OpenAPI document and authentication, route by route', () => {
  let database: TestDatabase;
  let sut: Awaited<ReturnType<typeof startAppListingRoutes>>;
  let documented: Array<[RouteKey, Operation]>;
  let authenticated: Array<[RouteKey, Operation]>;

  beforeAll(async () => {
    database = await createTestDatabase();
    sut = await startAppListingRoutes(database);
    const doc = await sut.api.withKey(null).get<{ paths: OpenApiPaths }>('/docs-json');
    documented = documentedRoutes(doc.body.paths);
    authenticated = documented.filter(
      ([route]) => route.split(' ')[1].startsWith('/api/v1/') && !PUBLIC_API_ROUTES.has(route),
    );
  });
  afterAll(async () => {
    await sut.app.close();
    await database.drop();
  });

  describe('completeness', () => {
    it('documents every route the app serves', () => {
      const documentedKeys = new Set(documented.map(([route]) => route));

      const served = [...sut.routes].filter((route) => !isDocumentRoute(route));

      expect(served.filter((route) => !documentedKeys.has(route))).toEqual([]);
    });

    it('documents no route the app does not serve', () => {
      expect(documented.map(([route]) => route).filter((route) => !sut.routes.has(route))).toEqual(
        [],
      );
    });

    it('sees the API routes at all (guards the two checks above against an empty list)', () => {
      expect(authenticated.length).toBeGreaterThanOrEqual(30);
    });
  });

  describe('documented answers', () => {
    it('gives every route a success answer', () => {
      const withoutSuccess = documented
        .filter(([, operation]) => !Object.keys(operation.responses).some((s) => /^[23]/.test(s)))
        .map(([route]) => route);

      expect(withoutSuccess).toEqual([]);
    });

    it('gives every authenticated route the bearer scheme, 401 and 500', () => {
      const incomplete = authenticated
        .filter(
          ([, operation]) =>
            (operation.security ?? []).length === 0 ||
            !('401' in operation.responses) ||
            !('500' in operation.responses),
        )
        .map(([route]) => route);

      expect(incomplete).toEqual([]);
    });

    it('gives every authenticated route that takes a body 409, 413 and 415', () => {
      const incomplete = authenticated
        .filter(([route]) => /^(POST|PATCH|PUT) /.test(route))
        .filter(([, operation]) => ['409', '413', '415'].some((s) => !(s in operation.responses)))
        .map(([route]) => route);

      expect(incomplete).toEqual([]);
    });
  });

  describe('authentication', () => {
    it.each([
      ['without a key', null],
      ['with a wrong key', WRONG_KEY],
    ])(
      'answers 401 with WWW-Authenticate: Bearer on every /api/v1 route %s',
      async (_case, key) => {
        const answers: Array<{ route: RouteKey; status: number; challenge: unknown }> = [];
        for (const [route] of authenticated) {
          const { method, path, body } = requestFor(route);
          const res = await sut.api.withKey(key).send(method, path, body);
          answers.push({ route, status: res.status, challenge: res.headers['www-authenticate'] });
        }

        expect(answers.filter((a) => a.status !== 401 || a.challenge !== 'Bearer')).toEqual([]);
      },
    );

    it('answers GET /api/v1/outbound-ips without a key', async () => {
      expect((await sut.api.withKey(null).get('/api/v1/outbound-ips')).status).toBe(200);
    });
  });
});
