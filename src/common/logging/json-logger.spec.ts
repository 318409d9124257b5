import { JsonLogger } from './json-logger';

/** Captures every JSON line the logger writes. */
function capture(): { sut: JsonLogger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const sut = new JsonLogger('info', { write: (chunk: string) => void written.push(chunk) });
  return { sut, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JsonLogger', () => {
  describe('redaction', () => {
    it.each(['authorization', 'secret', 'token', 'authToken', 'payload'])(
      'censors a top-level "%s" field',
      (field) => {
        const { sut, lines } = capture();
        sut.log(
          { [field]: 'sk_live_do-not-log', deliveryId: 'dlv_1' },
          'sending',
          'DeliverySender',
        );
        const [line] = lines();
        expect(line[field]).toBe('[redacted]');
        expect(JSON.stringify(line)).not.toContain('sk_live_do-not-log');
      },
    );

    it.each(['authorization', 'secret', 'token', 'authToken', 'payload'])(
      'censors "%s" one level down',
      (field) => {
        const { sut, lines } = capture();
        sut.warn(
          { endpoint: { [field]: 'sk_live_do-not-log', id: 'ep_1' } },
          'nested',
          'EndpointsService',
        );
        const [line] = lines();
        expect(line.endpoint).toEqual({ [field]: '[redacted]', id: 'ep_1' });
      },
    );

    it('censors request headers', () => {
      const { sut, lines } = capture();
      sut.log(
        { headers: { authorization: 'Bearer sk_live_do-not-log', 'x-request-id': 'r1' } },
        'request',
      );
      expect(JSON.stringify(lines()[0])).not.toContain('sk_live_do-not-log');
    });

    it('keeps the fields that are not sensitive', () => {
      const { sut, lines } = capture();
      sut.log({ deliveryId: 'dlv_1', attempt: 3 }, 'delivered', 'DeliveryRecorder');
      expect(lines()[0]).toMatchObject({
        deliveryId: 'dlv_1',
        attempt: 3,
        msg: 'delivered',
        context: 'DeliveryRecorder',
        level: 'info',
      });
    });
  });
});
