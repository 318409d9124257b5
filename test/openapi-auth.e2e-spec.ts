import {
  startTestAppWithDatabase,
  type RouteKey,
  type TestAppWithDatabase,
} from './support/test-app';

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
}
type OpenApiPaths = Record<string, Record<string, Operation>>;

const PUBLIC_API_ROUTES: ReadonlySet<RouteKey> = new Set(['GET /api/v1/outbound-ips']);
/** The OpenAPI UI and document themselves (`/docs`, its assets, `/docs-json`, `/docs-yaml`). */
const isDocumentRoute = (route: RouteKey): boolean => / \/docs([/-]|$)/.test(route);
const WRONG_KEY = 'wrong-key-0123456789abcdef';

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
  let sut: TestAppWithDatabase;
  let documented: Array<[RouteKey, Operation]>;
  let authenticated: Array<[RouteKey, Operation]>;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase();
    const doc = await sut.api.withKey(null).get<{ paths: OpenApiPaths }>('/docs-json');
    documented = documentedRoutes(doc.body.paths);
    authenticated = documented.filter(
      ([route]) => route.split(' ')[1].startsWith('/api/v1/') && !PUBLIC_API_ROUTES.has(route),
    );
  });
  afterAll(() => sut.close());

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
