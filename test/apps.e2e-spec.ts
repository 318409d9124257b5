import { FakeClock } from '../src/common/clock';
import { startTestAppWithDatabase } from './support/test-app';

type App = {
  id: string;
  uid: string | null;
  name: string;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};
type Page<T> = { data: T[]; nextCursor: string | null };

describe('Apps API', () => {
  // Simulated time, so that a later write is later by a known amount, not maybe by 0 ms.
  const clock = new FakeClock(Date.UTC(2030, 0, 1));
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ clock });
  });
  afterAll(() => sut.close());

  const countApps = async () =>
    Number((await sut.db.query('SELECT count(*) FROM app')).rows[0].count);

  describe('create', () => {
    it('answers 201 with a prefixed id, the uid and timestamps', async () => {
      const res = await sut.api.post<App>('/api/v1/apps', {
        name: 'Acme',
        uid: 'acme-create',
        metadata: { plan: 'pro' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        uid: 'acme-create',
        name: 'Acme',
        metadata: { plan: 'pro' },
      });
      expect(res.body.id).toMatch(/^app_[0-9A-Z]{26}$/);
      expect(Date.parse(res.body.createdAt)).not.toBeNaN();
    });

    it('refuses a duplicate uid with 409 and writes nothing', async () => {
      await sut.api.post('/api/v1/apps', { name: 'One', uid: 'dup-uid' });
      const before = await countApps();
      const res = await sut.api.post('/api/v1/apps', { name: 'Two', uid: 'dup-uid' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'uid_taken' });
      expect(await countApps()).toBe(before);
    });

    it.each([
      ['a missing name', {}, 'name'],
      ['a wrong type', { name: 42 }, 'name'],
      ['an unknown field', { name: 'x', colour: 'red' }, 'colour'],
      ['a too long name', { name: 'x'.repeat(257) }, 'name'],
      ['a malformed uid', { name: 'x', uid: 'has space' }, 'uid'],
      ['a uid that looks like an id', { name: 'x', uid: 'app_123' }, 'uid'],
      ['metadata that is an array', { name: 'x', metadata: [1] }, 'metadata'],
      ['oversized metadata', { name: 'x', metadata: { blob: 'x'.repeat(5000) } }, 'metadata'],
    ])('rejects %s with 422 naming the field, writing nothing', async (_case, body, field) => {
      const before = await countApps();
      const res = await sut.api.post<{ code: string; details: Array<{ field: string }> }>(
        '/api/v1/apps',
        body,
      );
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain(field);
      expect(await countApps()).toBe(before);
    });

    it('rejects malformed JSON with 400', async () => {
      const res = await sut.api.post('/api/v1/apps', '{"name": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'malformed_json' });
    });

    it('rejects a body over MAX_REQUEST_BYTES with 413', async () => {
      const res = await sut.api.post('/api/v1/apps', {
        name: 'x',
        metadata: { blob: 'x'.repeat(17 * 1024 * 1024) },
      });
      expect(res.status).toBe(413);
    });
  });

  describe('read, update, delete', () => {
    it('finds an app by id and by uid', async () => {
      const created = (await sut.api.post<App>('/api/v1/apps', { name: 'Find', uid: 'find-me' }))
        .body;
      expect((await sut.api.get<App>(`/api/v1/apps/${created.id}`)).body.id).toBe(created.id);
      expect((await sut.api.get<App>('/api/v1/apps/find-me')).body.id).toBe(created.id);
    });

    it('answers 404 for an unknown app', async () => {
      const res = await sut.api.get('/api/v1/apps/app_01ARZ3NDEKTSV4RRFFQ69G5FAV');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
    });

    it('patches only the given fields and moves updatedAt', async () => {
      const created = (
        await sut.api.post<App>('/api/v1/apps', { name: 'Before', metadata: { a: 1 } })
      ).body;
      clock.advance(1_000);
      const res = await sut.api.patch<App>(`/api/v1/apps/${created.id}`, { name: 'After' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'After', metadata: { a: 1 } });
      expect(res.body.createdAt).toBe(created.createdAt);
      expect(Date.parse(res.body.updatedAt) - Date.parse(created.updatedAt)).toBe(1_000);
    });

    it('clears a uid with null', async () => {
      const created = (await sut.api.post<App>('/api/v1/apps', { name: 'U', uid: 'to-clear' }))
        .body;
      const res = await sut.api.patch<App>(`/api/v1/apps/${created.id}`, { uid: null });
      expect(res.body.uid).toBeNull();
    });

    it.each(['name', 'metadata'])(
      'refuses %s: null on PATCH with 422 naming the field, changing nothing',
      async (field) => {
        const created = (
          await sut.api.post<App>('/api/v1/apps', { name: 'Keep', metadata: { a: 1 } })
        ).body;
        const res = await sut.api.patch<{ details: Array<{ field: string; message: string }> }>(
          `/api/v1/apps/${created.id}`,
          { [field]: null },
        );
        expect(res.status).toBe(422);
        expect(res.body.details).toEqual([
          { field, message: `${field} must not be null; leave it out instead` },
        ]);
        expect((await sut.api.get<App>(`/api/v1/apps/${created.id}`)).body).toEqual(created);
      },
    );

    it('still clears retrySchedule with null', async () => {
      const created = (
        await sut.api.post<App>('/api/v1/apps', { name: 'R', retrySchedule: ['1m'] })
      ).body;
      const res = await sut.api.patch<App & { retrySchedule: string[] | null }>(
        `/api/v1/apps/${created.id}`,
        { retrySchedule: null },
      );
      expect([res.status, res.body.retrySchedule]).toEqual([200, null]);
    });

    it('deletes an app (204) and then answers 404', async () => {
      const created = (await sut.api.post<App>('/api/v1/apps', { name: 'Doomed' })).body;
      expect((await sut.api.delete(`/api/v1/apps/${created.id}`)).status).toBe(204);
      expect((await sut.api.get(`/api/v1/apps/${created.id}`)).status).toBe(404);
    });
  });

  describe('list', () => {
    it('pages through every app exactly once, also while apps are being added', async () => {
      for (let i = 0; i < 7; i++) await sut.api.post('/api/v1/apps', { name: `page-${i}` });
      const expected = (
        await sut.db.query<{ id: string }>('SELECT id FROM app ORDER BY id')
      ).rows.map((r) => r.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: Page<App> } = await sut.api.get<Page<App>>(
          `/api/v1/apps?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.data.map((a) => a.id));
        // concurrent inserts land after the cursor (ids are time-ordered) and never shift pages
        await Promise.all([
          sut.api.post('/api/v1/apps', { name: 'concurrent' }),
          sut.api.post('/api/v1/apps', { name: 'concurrent' }),
        ]);
        cursor = res.body.nextCursor;
      } while (cursor !== null);
      expect(seen.slice(0, expected.length)).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it.each([
      ['limit above 250', '?limit=251', 422],
      ['limit zero', '?limit=0', 422],
      ['limit not a number', '?limit=ten', 422],
      ['a forged cursor', '?cursor=!!!', 400],
    ])('rejects %s', async (_case, query, status) => {
      expect((await sut.api.get(`/api/v1/apps${query}`)).status).toBe(status);
    });

    it('defaults to 50 per page', async () => {
      for (let i = 0; i < 45; i++) await sut.api.post('/api/v1/apps', { name: `bulk-${i}` });
      const res = await sut.api.get<Page<App>>('/api/v1/apps');
      expect(res.body.data).toHaveLength(50);
      expect(res.body.nextCursor).not.toBeNull();
    });
  });
});
