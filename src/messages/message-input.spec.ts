import { PayloadTooLargeError, ValidationError } from '../common/errors/domain-error';
import { MAX_BATCH_MESSAGES, MessageInputParser } from './message-input';

function problemFields(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError)
      return (err.details as Array<{ field: string }>).map((d) => d.field);
    throw err;
  }
  throw new Error('expected a ValidationError');
}

/** A request as the HTTP layer hands it over: the parsed body and the text it came from. */
function aRequest(text: string): [unknown, string] {
  return [JSON.parse(text), text];
}

describe('MessageInputParser', () => {
  const sut = new MessageInputParser(64);

  describe('one message', () => {
    it('prepares the payload text once, as JSON.stringify gives it', () => {
      const payload = { b: 1, a: [true, null] };
      expect(sut.parseOne({ eventType: 'a.b', payload, eventId: 'k' }, undefined)).toEqual({
        eventType: 'a.b',
        eventId: 'k',
        orderingKey: null,
        payload,
        payloadText: JSON.stringify(payload),
      });
    });

    describe('orderingKey', () => {
      it.each([
        ['absent', undefined, null],
        ['null', null, null],
        ['one character', 'u', 'u'],
        ['128 characters', 'k'.repeat(128), 'k'.repeat(128)],
        ['non-ASCII with a surrogate pair', 'user-é😀', 'user-é😀'],
      ])('accepts it %s', (_case, orderingKey, expected) => {
        expect(
          sut.parseOne({ eventType: 'a', payload: {}, orderingKey }, undefined).orderingKey,
        ).toBe(expected);
      });

      it.each([
        ['empty', ''],
        ['of 129 characters', 'k'.repeat(129)],
        ['not a string', 42],
        ['with a control character', 'a\u0000b'],
        ['with an unpaired surrogate', 'a\ud800'],
      ])('refuses it %s, naming the field', (_case, orderingKey) => {
        expect(
          problemFields(() =>
            sut.parseOne({ eventType: 'a', payload: {}, orderingKey }, undefined),
          ),
        ).toEqual(['orderingKey']);
      });

      it('names a bad one in a batch by index', () => {
        expect(
          problemFields(() =>
            sut.parseBatch({
              messages: [
                { eventType: 'a', payload: {}, orderingKey: 'ok' },
                { eventType: 'a', payload: {}, orderingKey: 'k'.repeat(129) },
              ],
            }),
          ),
        ).toEqual(['messages[1].orderingKey']);
      });

      it('keeps each batch item its own key', () => {
        const parsed = sut.parseBatch({
          messages: [
            { eventType: 'a', payload: {}, orderingKey: 'u1' },
            { eventType: 'a', payload: {} },
          ],
        });
        expect(parsed.map((m) => m.orderingKey)).toEqual(['u1', null]);
      });
    });

    it.each([
      ['a big integer', '{"id":12345678901234567890}'],
      ['a huge exponent', '{"x":1e400}'],
      ['a precise decimal and its own spacing', '{ "amount" : 10.10000000000000000001 }'],
      ['escapes JSON.stringify would write otherwise', '{"s":"\\u00e9\\/"}'],
    ])('keeps the payload text from the body as sent: %s', (_case, payloadText) => {
      const [body, text] = aRequest(`{"eventType":"a.b","payload":${payloadText}}`);
      expect(sut.parseOne(body, undefined, text).payloadText).toBe(payloadText);
    });

    it('keeps the payload text of the last payload member, the one JSON.parse kept', () => {
      const [body, text] = aRequest('{"eventType":"a","payload":{"x":1},"payload":{"y":2}}');
      expect(sut.parseOne(body, undefined, text)).toMatchObject({
        payload: { y: 2 },
        payloadText: '{"y":2}',
      });
    });

    it('measures the size limit on the bytes stored, spacing included', () => {
      // 56 bytes as JSON.stringify would write it, 66 as sent (the limit is 64).
      const [body, text] = aRequest(
        `{"eventType":"a","payload":{"s":${' '.repeat(10)}"${'x'.repeat(48)}"}}`,
      );
      expect(() => sut.parseOne(body, undefined)).not.toThrow();
      expect(() => sut.parseOne(body, undefined, text)).toThrow(PayloadTooLargeError);
    });

    it('refuses body text that does not hold the parsed payload (a wiring error) rather than store another text', () => {
      expect(() =>
        sut.parseOne({ eventType: 'a', payload: {} }, undefined, '{"eventType":"a"}'),
      ).toThrow('not found in the request body');
    });

    it('treats "eventId": null as no eventId', () => {
      expect(sut.parseOne({ eventType: 'a', payload: {}, eventId: null }, undefined).eventId).toBe(
        null,
      );
      expect(sut.parseOne({ eventType: 'a', payload: {}, eventId: null }, 'hdr').eventId).toBe(
        'hdr',
      );
    });

    it.each([
      ['NUL', 'a\u0000b'],
      ['a C0 control', 'a\u001fb'],
      ['DEL', 'a\u007f'],
      ['a C1 control', '\u0085'],
      ['a lone high surrogate', 'a\ud800'],
      ['a lone low surrogate', '\udc00a'],
    ])('refuses an eventId with %s, naming it', (_case, eventId) => {
      expect(
        problemFields(() => sut.parseOne({ eventType: 'a', payload: {}, eventId }, undefined)),
      ).toEqual(['eventId']);
      expect(problemFields(() => sut.parseOne({ eventType: 'a', payload: {} }, eventId))).toEqual([
        'Idempotency-Key',
      ]);
    });

    it('accepts an eventId with non-ASCII characters and surrogate pairs', () => {
      expect(
        sut.parseOne({ eventType: 'a', payload: {}, eventId: 'café-😀 ok' }, undefined).eventId,
      ).toBe('café-😀 ok');
    });

    it('takes the eventId from the Idempotency-Key header', () => {
      expect(sut.parseOne({ eventType: 'a', payload: {} }, 'hdr').eventId).toBe('hdr');
    });

    it('accepts the same key in both places', () => {
      expect(sut.parseOne({ eventType: 'a', payload: {}, eventId: 'k' }, 'k').eventId).toBe('k');
    });

    it('refuses different keys in body and header', () => {
      expect(() => sut.parseOne({ eventType: 'a', payload: {}, eventId: 'a' }, 'b')).toThrow(
        expect.objectContaining({ code: 'idempotency_key_mismatch' }),
      );
    });

    it.each([
      ['not an object', 'text', ['']],
      ['missing fields', {}, ['eventType', 'payload']],
      ['an unknown field', { eventType: 'a', payload: {}, x: 1 }, ['x']],
      ['a payload array', { eventType: 'a', payload: [] }, ['payload']],
      ['a bad type name', { eventType: 'a b', payload: {} }, ['eventType']],
      ['an empty eventId', { eventType: 'a', payload: {}, eventId: '' }, ['eventId']],
    ])('names the fields of %s', (_case, body, fields) => {
      expect(problemFields(() => sut.parseOne(body, undefined))).toEqual(fields);
    });

    it('names a bad Idempotency-Key header', () => {
      expect(
        problemFields(() => sut.parseOne({ eventType: 'a', payload: {} }, 'x'.repeat(257))),
      ).toEqual(['Idempotency-Key']);
    });

    it.each([
      ['ASCII up to the limit', 'x'.repeat(56), false],
      ['ASCII over the limit', 'x'.repeat(57), true],
      ['multi-byte characters counted as UTF-8 bytes', 'é'.repeat(29), true],
    ])('measures the payload size: %s', (_case, text, tooLarge) => {
      // {"s":"…"} adds 8 bytes around the text.
      const run = () => sut.parseOne({ eventType: 'a', payload: { s: text } }, undefined);
      if (tooLarge) expect(run).toThrow(PayloadTooLargeError);
      else expect(run).not.toThrow();
    });
  });

  describe('batch', () => {
    it('names the index of each bad item', () => {
      expect(
        problemFields(() =>
          sut.parseBatch({
            messages: [{ eventType: 'a', payload: {} }, { eventType: 1, payload: {} }, 'x'],
          }),
        ),
      ).toEqual(['messages[1].eventType', 'messages[2]']);
    });

    it.each([
      ['a missing array', {}],
      ['an empty array', { messages: [] }],
      [
        'too many messages',
        {
          messages: Array.from({ length: MAX_BATCH_MESSAGES + 1 }, () => ({
            eventType: 'a',
            payload: {},
          })),
        },
      ],
    ])('refuses %s', (_case, body) => {
      expect(problemFields(() => sut.parseBatch(body))).toEqual(['messages']);
    });

    it('names an oversized payload by index with 413', () => {
      expect(() =>
        sut.parseBatch({
          messages: [
            { eventType: 'a', payload: {} },
            { eventType: 'a', payload: { s: 'x'.repeat(100) } },
          ],
        }),
      ).toThrow(
        expect.objectContaining({
          status: 413,
          message: expect.stringContaining('messages[1].payload'),
        }),
      );
    });

    it('keeps the text of every payload from the body as sent', () => {
      const [body, text] = aRequest(
        '{"messages":[{"eventType":"a","payload":{"n":12345678901234567890}},\n' +
          ' {"payload" : { "x" : 1e400 } , "eventType":"b"}]}',
      );
      expect(sut.parseBatch(body, undefined, text).map((m) => m.payloadText)).toEqual([
        '{"n":12345678901234567890}',
        '{ "x" : 1e400 }',
      ]);
    });

    it('refuses an Idempotency-Key header: each message takes its own eventId', () => {
      expect(() =>
        sut.parseBatch({ messages: [{ eventType: 'a', payload: {} }] }, 'key-1'),
      ).toThrow(
        expect.objectContaining({
          status: 422,
          code: 'idempotency_key_not_supported',
          details: [expect.objectContaining({ field: 'Idempotency-Key' })],
        }),
      );
    });

    it('treats "eventId": null as no eventId and refuses control characters, by index', () => {
      expect(
        problemFields(() =>
          sut.parseBatch({
            messages: [
              { eventType: 'a', payload: {}, eventId: null },
              { eventType: 'a', payload: {}, eventId: 'a\u0000' },
            ],
          }),
        ),
      ).toEqual(['messages[1].eventId']);
    });

    it('caps the problems it reports', () => {
      const messages = Array.from({ length: 200 }, () => ({ eventType: '', payload: {} }));
      expect(problemFields(() => sut.parseBatch({ messages }))).toHaveLength(50);
    });
  });
});
