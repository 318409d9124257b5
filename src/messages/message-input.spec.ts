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

describe('MessageInputParser', () => {
  const sut = new MessageInputParser(64);

  describe('one message', () => {
    it('prepares the payload text once, as JSON.stringify gives it', () => {
      const payload = { b: 1, a: [true, null] };
      expect(sut.parseOne({ eventType: 'a.b', payload, eventId: 'k' }, undefined)).toEqual({
        eventType: 'a.b',
        eventId: 'k',
        payload,
        payloadText: JSON.stringify(payload),
      });
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

    it('caps the problems it reports', () => {
      const messages = Array.from({ length: 200 }, () => ({ eventType: '', payload: {} }));
      expect(problemFields(() => sut.parseBatch({ messages }))).toHaveLength(50);
    });
  });
});
