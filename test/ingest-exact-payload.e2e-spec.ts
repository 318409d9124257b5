import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

type Accepted = { id: string };

/**
 * Payloads travel from the producer's request to the receiver as the producer's bytes: no
 * re-serialization rounds a number, drops a digit or changes the spacing. Bodies are sent as
 * raw text (ApiClient sends a string verbatim) because JSON.stringify could not write them.
 */
const PAYLOADS: Array<[string, string]> = [
  ['an integer beyond 2^53', '{"accountId":12345678901234567890,"cents":9007199254740993}'],
  [
    'high-precision decimals',
    '{"amount":0.1000000000000000000000001,"rate":3.14159265358979323846264338327950288}',
  ],
  ['numbers beyond double range', '{"huge":1e400,"tiny":1e-400,"neg":-0,"exp":1E+2}'],
  ['unusual whitespace', '{\n\t"a" :  [ 1 ,\r\n 2 ],\n  "b":{ }\n}'],
  ['escapes kept as written', '{"s":"caf\\u00e9 \\/ \\ud83d\\ude00 \\"q\\"","t":"é✓"}'],
];

describe('Ingestion keeps the producer’s payload bytes', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let receiver: TestReceiver;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      env: { WORKER_SWEEP_INTERVAL_MS: '100', MAX_PAYLOAD_BYTES: '4096' },
    });
    receiver = await startReceiver(() => ({ status: 204 }));
    appId = (await createApp(sut.api)).id;
    await createEndpoint(sut.api, appId, { url: receiver.url });
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  const post = (path: string, text: string) =>
    sut.api.post<Accepted & { data: Accepted[] }>(`/api/v1/apps/${appId}/messages${path}`, text);

  async function deliveredBody(messageId: string): Promise<ReceivedRequest> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = receiver.requests.find((r) => r.headers['webhook-id'] === messageId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`message ${messageId} was not delivered`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function expectDeliveredExactly(messageId: string, eventType: string, payload: string) {
    const stored = await sut.db.query<{ payload: string }>(
      'SELECT payload FROM message WHERE id = $1',
      [messageId],
    );
    expect(stored.rows[0].payload).toBe(payload);
    const { body } = await deliveredBody(messageId);
    const head = `{"id":"${messageId}","type":"${eventType}","timestamp":"`;
    expect(body.startsWith(head)).toBe(true);
    expect(body.slice(body.indexOf('","data":'))).toBe(`","data":${payload}}`);
  }

  it.each(PAYLOADS)('delivers %s byte for byte (single message)', async (_case, payload) => {
    const res = await post('', `{ "eventType" : "ledger.posted" ,\n "payload":  ${payload}  }`);
    expect(res.status).toBe(202);
    await expectDeliveredExactly(res.body.id, 'ledger.posted', payload);
  });

  it('delivers every payload of a batch byte for byte', async () => {
    const items = PAYLOADS.map(
      ([, payload], i) => `\n  {"payload":${payload} , "eventType":"ledger.batch${i}"}`,
    );
    const res = await post('/batch', `{"messages":[${items.join(',')}]}`);
    expect(res.status).toBe(202);
    for (const [i, [, payload]] of PAYLOADS.entries())
      await expectDeliveredExactly(res.body.data[i].id, `ledger.batch${i}`, payload);
  });

  it('stores the payload JSON.parse kept when a body repeats the payload member', async () => {
    const res = await post('', '{"eventType":"ledger.dup","payload":{"v":1},"payload":{"v":2.50}}');
    expect(res.status).toBe(202);
    await expectDeliveredExactly(res.body.id, 'ledger.dup', '{"v":2.50}');
  });

  it('measures MAX_PAYLOAD_BYTES on the payload as sent', async () => {
    // {"s":"x"} re-serialized; 4,105 bytes as sent, over the 4,096 allowed.
    const padded = `{"s":${' '.repeat(4096)}"x"}`;
    const res = await post('', `{"eventType":"ledger.big","payload":${padded}}`);
    expect([res.status, res.body]).toEqual([
      413,
      expect.objectContaining({
        message: expect.stringMatching(/^payload: a payload may be at most 4096 bytes/),
      }),
    ]);
  });

  it('parses JSON bodies of other routes as before, unmatched ones included', async () => {
    expect((await sut.api.post('/api/v1/no-such-route', '{"a":1}')).status).toBe(404);
    expect((await sut.api.post('/api/v1/apps', '{"name":"parsed"}')).status).toBe(201);
    expect((await sut.api.post('/api/v1/apps', '{"name":')).status).toBe(400);
  });

  it('still refuses a body with __proto__, as before', async () => {
    const res = await post('', '{"eventType":"a.b","payload":{"__proto__":{"admin":true}}}');
    expect(res.status).toBe(400);
  });
});
