import { startTestAppWithDatabase } from './support/test-app';

type EventType = {
  name: string;
  description: string;
  schema: Record<string, unknown> | null;
  archived: boolean;
};
type Page<T> = { data: T[]; nextCursor: string | null };

describe('Event types API', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase();
  });
  afterAll(() => sut.close());

  const schema = { type: 'object', required: ['plan'], properties: { plan: { type: 'string' } } };

  it('creates a hierarchical event type with a schema', async () => {
    const res = await sut.api.post<EventType>('/api/v1/event-types', {
      name: 'user.subscription.purchased',
      description: 'bought',
      schema,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'user.subscription.purchased',
      description: 'bought',
      schema,
      archived: false,
    });
  });

  it('refuses a duplicate name with 409', async () => {
    await sut.api.post('/api/v1/event-types', { name: 'dup.type' });
    const res = await sut.api.post('/api/v1/event-types', { name: 'dup.type' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'event_type_exists' });
  });

  it.each([
    ['an empty segment', { name: 'user..renewed' }],
    ['a wildcard', { name: 'user.*' }],
    ['spaces', { name: 'user renewed' }],
    ['a name over 256 characters', { name: 'a'.repeat(257) }],
    ['an invalid JSON Schema', { name: 'bad.schema', schema: { type: 'strnig' } }],
    ['a schema that is not an object', { name: 'bad.schema2', schema: 'string' }],
    ['an unknown field', { name: 'ok.name', colour: 'red' }],
  ])('rejects %s with 422 and writes nothing', async (_case, body) => {
    const res = await sut.api.post('/api/v1/event-types', body);
    expect(res.status).toBe(422);
    const rows = await sut.db.query('SELECT 1 FROM event_type WHERE name = $1', [
      (body as { name: string }).name,
    ]);
    expect(rows.rowCount).toBe(0);
  });

  it('gets, archives, removes the schema and deletes', async () => {
    await sut.api.post('/api/v1/event-types', { name: 'life.cycle', schema });
    expect((await sut.api.get<EventType>('/api/v1/event-types/life.cycle')).body.schema).toEqual(
      schema,
    );
    const patched = await sut.api.patch<EventType>('/api/v1/event-types/life.cycle', {
      archived: true,
      schema: null,
    });
    expect(patched.body).toMatchObject({ archived: true, schema: null });
    expect((await sut.api.delete('/api/v1/event-types/life.cycle')).status).toBe(204);
    expect((await sut.api.get('/api/v1/event-types/life.cycle')).status).toBe(404);
  });

  it('rejects an invalid schema on update', async () => {
    await sut.api.post('/api/v1/event-types', { name: 'upd.schema' });
    const res = await sut.api.patch('/api/v1/event-types/upd.schema', { schema: { type: 12 } });
    expect(res.status).toBe(422);
    expect((await sut.api.get<EventType>('/api/v1/event-types/upd.schema')).body.schema).toBeNull();
  });

  it.each(['description', 'archived'])(
    'refuses %s: null on PATCH with 422 naming the field, changing nothing',
    async (field) => {
      const name = `null.${field}`;
      const created = (
        await sut.api.post<EventType>('/api/v1/event-types', { name, description: 'kept' })
      ).body;
      const res = await sut.api.patch<{ details: Array<{ field: string }> }>(
        `/api/v1/event-types/${name}`,
        { [field]: null },
      );
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toEqual([field]);
      expect((await sut.api.get<EventType>(`/api/v1/event-types/${name}`)).body).toEqual(created);
    },
  );

  describe('schemas that share an $id', () => {
    const id = 'https://example.com/schemas/order.json';
    let appId: string;
    const send = (eventType: string, payload: Record<string, unknown>) =>
      sut.api.post<{ code: string; details: Array<{ field: string }> }>(
        `/api/v1/apps/${appId}/messages`,
        { eventType, payload },
      );

    beforeAll(async () => {
      appId = (await sut.api.post<{ id: string }>('/api/v1/apps', { name: 'ids' })).body.id;
    });

    it('creates both types, and validates each message against its own type', async () => {
      const first = await sut.api.post('/api/v1/event-types', {
        name: 'shared.created',
        schema: { $id: id, type: 'object', required: ['amount'] },
      });
      const second = await sut.api.post('/api/v1/event-types', {
        name: 'shared.shipped',
        schema: { $id: id, type: 'object', required: ['sku'] },
      });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect((await send('shared.created', { amount: 1 })).status).toBe(202);
      expect((await send('shared.shipped', { sku: 'a' })).status).toBe(202);
      const wrong = await send('shared.shipped', { amount: 1 });
      expect([wrong.status, wrong.body.code]).toEqual([422, 'payload_schema_mismatch']);
    });

    it('accepts a PATCH that keeps the $id, and applies the new schema', async () => {
      const res = await sut.api.patch('/api/v1/event-types/shared.created', {
        schema: { $id: id, type: 'object', required: ['total'] },
      });
      expect(res.status).toBe(200);
      // The catalog cache holds an entry for up to 1 s.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await send('shared.created', { total: 1 })).status).toBe(202);
      expect((await send('shared.created', { amount: 1 })).status).toBe(422);
    });

    it('refuses messages of a stored schema that cannot compile with a clear 422', async () => {
      // Written around the API, as a schema saved before it was checked could be.
      await sut.db.query(
        `INSERT INTO event_type (name, description, schema, archived, created_at, updated_at)
         VALUES ('shared.broken', '', $1, false, now(), now())`,
        [JSON.stringify({ $ref: 'https://example.com/elsewhere.json' })],
      );
      const res = await send('shared.broken', {});
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('event_type_schema_unusable');
      expect(res.body.details.map((d) => d.field)).toEqual(['eventType']);
    });
  });

  it('lists by name with cursor pagination and an archived filter', async () => {
    for (const n of ['list.a', 'list.b', 'list.c', 'list.d'])
      await sut.api.post('/api/v1/event-types', { name: n, archived: n === 'list.b' });
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: Page<EventType> } = await sut.api.get<Page<EventType>>(
        `/api/v1/event-types?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...res.body.data.map((t) => t.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['list.a', 'list.b', 'list.c', 'list.d']));
    const archived = await sut.api.get<Page<EventType>>('/api/v1/event-types?archived=true');
    expect(archived.body.data.map((t) => t.name)).toContain('list.b');
    expect(archived.body.data.every((t) => t.archived)).toBe(true);
  });
});
