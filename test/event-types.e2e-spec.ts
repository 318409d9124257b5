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
