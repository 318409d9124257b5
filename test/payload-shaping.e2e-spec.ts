import { eventually } from './delivery.fixtures';
import { createApp, createEndpoint } from './support/builders';
import { startTestAppWithReceiver, type TestAppWithReceiver } from './support/test-app';

interface ValidationBody {
  code: string;
  details: Array<{ field: string; message: string }>;
}

const EXACT =
  '{"big":12345678901234567890,"tiny":0.10000000000000000001,"drop":{"x":1},"keep":[1.0, 2]}';

describe('Payload shaping and body format', () => {
  let sut: TestAppWithReceiver;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({ env: { WORKER_SWEEP_INTERVAL_MS: '200' } });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(() => sut.close());

  const send = async (eventType: string, payload: string): Promise<string> => {
    const res = await sut.api.post<{ id: string }>(
      `/api/v1/apps/${appId}/messages`,
      `{"eventType":${JSON.stringify(eventType)},"payload":${payload}}`,
    );
    expect(res.status).toBe(202);
    return res.body.id;
  };
  const bodiesFor = (path: string, count: number) =>
    eventually(
      async () => {
        const hits = sut.receiver.requests.filter((r) => r.path === path);
        return hits.length >= count ? hits.map((r) => r.body) : undefined;
      },
      20_000,
      `${count} requests to ${path}`,
    );

  it('keeps every untouched digit in payload mode with omitFields', async () => {
    const path = '/exact';
    await createEndpoint(sut.api, appId, {
      url: `${sut.receiver.url.replace('/webhook', '')}${path}`,
      eventTypes: ['exact.*'],
      bodyFormat: 'payload',
      omitFields: ['drop'],
    });
    await send('exact.one', EXACT);

    expect(await bodiesFor(path, 1)).toEqual([
      '{"big":12345678901234567890,"tiny":0.10000000000000000001,"keep":[1.0, 2]}',
    ]);
  });

  it('keeps every digit inside the envelope with an alias', async () => {
    const path = '/envelope';
    await createEndpoint(sut.api, appId, {
      url: `${sut.receiver.url.replace('/webhook', '')}${path}`,
      eventTypes: ['env.*'],
      eventTypeAliases: { 'env.renewed': 'renewed' },
      omitFields: ['drop'],
    });
    const messageId = await send('env.renewed', EXACT);

    const [body] = await bodiesFor(path, 1);
    expect(body).toMatch(
      new RegExp(
        `^\\{"id":"${messageId}","type":"renewed","timestamp":"[^"]+","data":\\{"big":12345678901234567890,"tiny":0\\.10000000000000000001,"keep":\\[1\\.0, 2\\]\\}\\}$`,
      ),
    );
  });

  it('sends identical bytes on every attempt, even when the endpoint is reshaped in between', async () => {
    const path = '/flaky';
    let calls = 0;
    sut.receiver.setBehaviour((request) => {
      if (request.path !== path) return { status: 200 };
      calls++;
      return { status: calls === 1 ? 500 : 200 };
    });
    const endpoint = await createEndpoint(sut.api, appId, {
      url: `${sut.receiver.url.replace('/webhook', '')}${path}`,
      eventTypes: ['flaky.*'],
      bodyFormat: 'payload',
      omitFields: ['drop'],
      eventTypeField: 'event_type',
      retrySchedule: ['2s'],
    });
    await send('flaky.one', EXACT);
    await bodiesFor(path, 1);
    const patched = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
      bodyFormat: 'envelope',
      omitFields: [],
      eventTypeField: null,
    });
    expect(patched.status).toBe(200);

    const bodies = await bodiesFor(path, 2);
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[0]).toBe(
      '{"event_type":"flaky.one","big":12345678901234567890,"tiny":0.10000000000000000001,"keep":[1.0, 2]}',
    );
    sut.receiver.setBehaviour(() => ({ status: 200 }));
  });

  describe('answers 422 naming the field', () => {
    const create = (body: Record<string, unknown>) =>
      sut.api.post<ValidationBody>(`/api/v1/apps/${appId}/endpoints`, {
        url: 'https://example.com/hook',
        ...body,
      });

    it.each([
      ['an empty path', { omitFields: [''] }, 'omitFields'],
      ['a path with an empty segment', { omitFields: ['a..b'] }, 'omitFields'],
      ['a path ending in a dot', { omitFields: ['a.'] }, 'omitFields'],
      ['a non-string path', { omitFields: [3] }, 'omitFields'],
      ['omitFields not an array', { omitFields: 'a' }, 'omitFields'],
      [
        'an alias to an invalid name',
        { eventTypeAliases: { 'a.b': 'has space' } },
        'eventTypeAliases',
      ],
      ['an alias from an invalid name', { eventTypeAliases: { 'a..b': 'ok' } }, 'eventTypeAliases'],
      ['a non-string alias', { eventTypeAliases: { 'a.b': 7 } }, 'eventTypeAliases'],
      ['eventTypeField without payload mode', { eventTypeField: 'event_type' }, 'eventTypeField'],
      ['an unknown bodyFormat', { bodyFormat: 'raw' }, 'bodyFormat'],
      ['a secret too short', { secret: 'short-secret' }, 'secret'],
      ['a secret with a non-ASCII character', { secret: 'sixteen-chars-é-secret' }, 'secret'],
      ['a malformed whsec_ secret', { secret: 'whsec_abc' }, 'secret'],
    ])('on create: %s', async (_case, body, field) => {
      const res = await create(body);
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain(field);
    });

    it('on PATCH: switching to envelope while eventTypeField is set', async () => {
      const endpoint = await createEndpoint(sut.api, appId, {
        bodyFormat: 'payload',
        eventTypeField: 'event_type',
      });
      const res = await sut.api.patch<ValidationBody>(
        `/api/v1/apps/${appId}/endpoints/${endpoint.id}`,
        { bodyFormat: 'envelope' },
      );
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'eventTypeField' })]);
    });

    it('on rotate: a secret too short', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const res = await sut.api.post<ValidationBody>(
        `/api/v1/apps/${appId}/endpoints/${endpoint.id}/secret/rotate`,
        { secret: 'too-short' },
      );
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toEqual(['secret']);
    });
  });

  it('rotates to a plain secret and keeps the old one signing for 24 h', async () => {
    const endpoint = await createEndpoint(sut.api, appId);
    const res = await sut.api.post<{ key: string }>(
      `/api/v1/apps/${appId}/endpoints/${endpoint.id}/secret/rotate`,
      { secret: 'my own shared secret 42' },
    );
    expect(res.status).toBe(200);
    expect(res.body.key).toBe('my own shared secret 42');
    const { rows } = await sut.db.query<{ grace_ms: number }>(
      `SELECT extract(epoch FROM previous_secret_expires_at - updated_at) * 1000 AS grace_ms
         FROM endpoint WHERE id = $1`,
      [endpoint.id],
    );
    expect(Number(rows[0].grace_ms)).toBe(24 * 3_600_000);
  });

  it('shows the shaping fields in responses', async () => {
    const endpoint = await createEndpoint(sut.api, appId, {
      bodyFormat: 'payload',
      omitFields: ['a.b'],
      eventTypeAliases: { 'a.b': 'ab' },
      eventTypeField: 'type',
    });
    expect(endpoint).toMatchObject({
      bodyFormat: 'payload',
      omitFields: ['a.b'],
      eventTypeAliases: { 'a.b': 'ab' },
      eventTypeField: 'type',
    });
  });
});
