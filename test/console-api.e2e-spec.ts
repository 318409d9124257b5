import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { eventually } from './delivery.fixtures';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

interface Stats {
  since: string;
  until: string;
  bucketSeconds: number;
  succeeded: number;
  failed: number;
  data: {
    minute: string;
    succeeded: number;
    failed: number;
    avgDurationMs: number;
    maxDurationMs: number;
  }[];
}

interface Rates {
  succeeded: number;
  failed: number;
  failureRate: number;
  perSecond: number;
}

interface Overview {
  queue: { due: number; scheduled: number; delivering: number; oldestDueAgeSeconds: number };
  lastHour: Rates;
  lastFiveMinutes: Rates;
  openCircuits: number;
  disabledEndpoints: number;
}

/** The routes the operator console needs beyond the resource API, and how /console is served. */
describe('Console API: endpoint stats, overview, app search, /console', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let ok: TestReceiver;
  let failing: TestReceiver;
  let appId: string;
  let okEndpoint: string;
  let failingEndpoint: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase();
    ok = await startReceiver(() => ({ status: 200, body: 'ok', delayMs: 5 }));
    failing = await startReceiver(() => ({ status: 500, body: 'nope' }));
    const app = await sut.api.post<{ id: string }>('/api/v1/apps', { name: 'Stats app' });
    appId = app.body.id;
    const endpoint = async (url: string, eventTypes: string[]) =>
      (
        await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/endpoints`, {
          url,
          eventTypes,
          retrySchedule: [],
        })
      ).body.id;
    okEndpoint = await endpoint(ok.url, ['ok.*']);
    failingEndpoint = await endpoint(failing.url, ['bad.*']);
    for (const eventType of ['ok.a', 'ok.b', 'ok.c', 'bad.a'])
      expect(
        (await sut.api.post(`/api/v1/apps/${appId}/messages`, { eventType, payload: {} })).status,
      ).toBe(202);
    await ok.waitFor(3, 30_000);
    await failing.waitFor(1, 30_000);
  });

  afterAll(async () => {
    await sut.close();
    await sut.database.drop();
    await ok.close();
    await failing.close();
  });

  const stats = (endpointId: string, query = '') =>
    sut.api.get<Stats>(`/api/v1/apps/${appId}/endpoints/${endpointId}/stats${query}`);

  describe('GET …/endpoints/{id}/stats', () => {
    it('counts the succeeded attempts of the last 24 hours per minute, from the worker’s counters', async () => {
      const body = await eventually(
        async () => {
          const r = await stats(okEndpoint);
          return r.body.succeeded === 3 ? r.body : undefined;
        },
        20_000,
        'three counted successes',
      );
      expect(body.failed).toBe(0);
      expect(body.bucketSeconds).toBe(60);
      expect(new Date(body.until).getTime() - new Date(body.since).getTime()).toBe(24 * 3_600_000);
      expect(body.data.reduce((n, m) => n + m.succeeded, 0)).toBe(3);
      for (const m of body.data) expect(m.maxDurationMs).toBeGreaterThanOrEqual(m.avgDurationMs);
    });

    it('counts failed attempts separately', async () => {
      const body = await eventually(
        async () =>
          (await stats(failingEndpoint)).body.failed === 1
            ? (await stats(failingEndpoint)).body
            : undefined,
        20_000,
        'one counted failure',
      );
      expect(body.succeeded).toBe(0);
    });

    it('reads only what the counters hold: the attempt log is not consulted', async () => {
      await sut.db.query('DELETE FROM endpoint_minute_stats WHERE endpoint_id = $1', [okEndpoint]);
      expect((await stats(okEndpoint)).body).toMatchObject({ succeeded: 0, data: [] });
    });

    it.each([
      {
        query: '?since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z',
        field: 'since',
        rule: 'at least one minute',
      },
      {
        query: '?since=2030-01-01T00:00:00Z&until=2030-01-04T00:00:00Z',
        field: 'since',
        rule: 'at most 48 hours',
      },
      { query: '?since=yesterday', field: 'since', rule: 'ISO 8601' },
    ])('answers 422 naming $field for $query', async ({ query, field, rule }) => {
      const r = await stats(okEndpoint, query);
      expect(r.status).toBe(422);
      expect(JSON.stringify(r.body)).toContain(rule);
      expect((r.body as unknown as { details: { field: string }[] }).details[0].field).toBe(field);
    });

    it('answers 404 for an endpoint of another app', async () => {
      const other = await sut.api.post<{ id: string }>('/api/v1/apps', { name: 'Other' });
      const r = await sut.api.get(`/api/v1/apps/${other.body.id}/endpoints/${okEndpoint}/stats`);
      expect(r.status).toBe(404);
    });
  });

  describe('GET /api/v1/overview', () => {
    it('reports the queue and the last hour’s attempts and failure rate', async () => {
      const body = await eventually(
        async () => {
          const r = await sut.api.get<Overview>('/api/v1/overview');
          return r.body.lastHour.failed >= 1 ? r.body : undefined;
        },
        20_000,
        'the failure to be counted',
      );
      expect(body.queue).toEqual({ due: 0, scheduled: 0, delivering: 0, oldestDueAgeSeconds: 0 });
      expect(body.lastHour.failureRate).toBeCloseTo(
        body.lastHour.failed / (body.lastHour.failed + body.lastHour.succeeded),
        3,
      );
      expect(body.lastFiveMinutes.failed).toBeGreaterThanOrEqual(1);
      expect(body.lastFiveMinutes.perSecond).toBeGreaterThan(0);
    });

    it('needs the admin key', async () => {
      expect((await sut.api.withKey(null).get('/api/v1/overview')).status).toBe(401);
    });
  });

  describe('GET /api/v1/overview/troubled-endpoints', () => {
    it('lists disabled endpoints of every app, paged by cursor', async () => {
      const empty = await sut.api.get<{ data: unknown[] }>('/api/v1/overview/troubled-endpoints');
      expect(empty.body.data).toEqual([]);
      for (const id of [okEndpoint, failingEndpoint])
        expect(
          (await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${id}`, { disabled: true })).status,
        ).toBe(200);
      const first = await sut.api.get<{
        data: { id: string; disabled: boolean }[];
        nextCursor: string;
      }>('/api/v1/overview/troubled-endpoints?limit=1');
      const second = await sut.api.get<{ data: { id: string }[]; nextCursor: string | null }>(
        `/api/v1/overview/troubled-endpoints?limit=1&cursor=${first.body.nextCursor}`,
      );
      expect([first.body.data[0].id, second.body.data[0].id].sort()).toEqual(
        [okEndpoint, failingEndpoint].sort(),
      );
      expect(first.body.data[0].disabled).toBe(true);
      expect(second.body.nextCursor).toBeNull();
      const overview = await sut.api.get<Overview>('/api/v1/overview');
      expect(overview.body.disabledEndpoints).toBe(2);
    });

    it('answers 400 for a cursor it did not hand out', async () => {
      expect((await sut.api.get('/api/v1/overview/troubled-endpoints?cursor=%25%25')).status).toBe(
        400,
      );
    });
  });

  describe('GET /api/v1/apps?search=', () => {
    beforeAll(async () => {
      await sut.api.post('/api/v1/apps', { name: 'Alpha Widgets', uid: 'alpha' });
      await sut.api.post('/api/v1/apps', { name: 'Beta_Tools' });
      await sut.api.post('/api/v1/apps', { name: 'Betax Tools' });
    });

    it.each([
      { search: 'widg', names: ['Alpha Widgets'] },
      { search: 'alpha', names: ['Alpha Widgets'] },
      { search: 'a_', names: ['Beta_Tools'] },
      { search: '%', names: [] },
      { search: 'zzz', names: [] },
    ])('“$search” finds $names', async ({ search, names }) => {
      const r = await sut.api.get<{ data: { name: string }[] }>(
        `/api/v1/apps?search=${encodeURIComponent(search)}`,
      );
      expect(r.body.data.map((a) => a.name)).toEqual(names);
    });
  });

  describe('/console', () => {
    const get = (path: string) => request(`${sut.baseUrl}${path}`);

    it('redirects /console to /console/', async () => {
      const r = await get('/console');
      expect(r.statusCode).toBe(308);
      expect(r.headers.location).toBe('/console/');
      await r.body.dump();
    });

    it('answers index.html for any page, revalidated, under a strict CSP', async () => {
      const r = await get('/console/apps/app_123/endpoints/ep_1');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(await r.body.text()).toContain('<div id="root">');
    });

    it('serves hashed assets as immutable and a missing one as 404 (never as HTML)', async () => {
      const asset = readdirSync(join(process.cwd(), 'dist', 'public', 'console', 'assets')).find(
        (f) => f.endsWith('.js'),
      );
      const r = await get(`/console/assets/${asset}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['cache-control']).toContain('immutable');
      expect(r.headers['content-type']).toContain('javascript');
      await r.body.dump();
      const missing = await get('/console/assets/index-gone.js');
      expect(missing.statusCode).toBe(404);
      await missing.body.dump();
    });
  });
});
