import fc from 'fast-check';
import { locateBatchPayloadTexts, locatePayloadText } from './payload-text-locator';

/*
 * Generated JSON *text* (not values): whitespace anywhere it is allowed, numbers JSON.parse
 * cannot round-trip (long integers, long fractions, huge exponents), strings with every escape
 * and with the structural characters the scanner looks for, escaped keys and duplicate keys.
 */
const ws = fc.stringMatching(/^[ \t\n\r]{0,3}$/);
const numberText = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,30}$/)),
    fc.option(fc.stringMatching(/^\.[0-9]{1,25}$/), { nil: '' }),
    fc.option(fc.stringMatching(/^[eE][+-]?[0-9]{1,3}$/), { nil: '' }),
  )
  .map((parts) => parts.join(''));
const stringPiece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 4 }).filter((s) => !/["\\]/.test(s)),
  fc.constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\\\\\"'),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `\\u${n.toString(16).padStart(4, '0')}`),
  fc.constantFrom('{', '}', '[', ']', ',', ':', ' ', 'payload', 'messages'),
);
const stringText = fc.array(stringPiece, { maxLength: 6 }).map((pieces) => `"${pieces.join('')}"`);
const keyText = fc.oneof(
  fc.constantFrom('"payload"', '"pay\\u006coad"', '"messages"', '"eventType"', '"a"', '"payload "'),
  stringText,
);
const literalText = fc.oneof(fc.constantFrom('true', 'false', 'null'), numberText, stringText);

const { value: valueText, object: objectText } = fc.letrec<{ value: string; object: string }>(
  (tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literalText,
      tie('object'),
      fc
        .tuple(fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 }), ws)
        .map(([items, empty]) =>
          items.length === 0 ? `[${empty}]` : `[${items.map((i) => i.join('')).join(',')}]`,
        ),
    ),
    object: fc
      .tuple(fc.array(fc.tuple(ws, keyText, ws, ws, tie('value'), ws), { maxLength: 4 }), ws)
      .map(([members, empty]) =>
        members.length === 0
          ? `{${empty}}`
          : `{${members.map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`).join(',')}}`,
      ),
  }),
);
const memberText = fc
  .tuple(ws, keyText, ws, ws, valueText, ws)
  .map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe('locatePayloadText', () => {
  it.each([
    ['a big integer', '{"payload":{"id":12345678901234567890}}', '{"id":12345678901234567890}'],
    ['a huge exponent', '{"payload": {"x": 1e400}}', '{"x": 1e400}'],
    [
      'a precise decimal',
      '{"payload":{"amount":0.10000000000000000001}}',
      '{"amount":0.10000000000000000001}',
    ],
    ['whitespace inside', '{ "payload" :\n\t{ "a" : [ 1 , 2 ] }\r\n }', '{ "a" : [ 1 , 2 ] }'],
    ['escapes and brackets in strings', '{"payload":{"s":"a\\"}{[\\\\"}}', '{"s":"a\\"}{[\\\\"}'],
    ['a payload after other members', '{"eventType":"a.b","eventId":"x","payload":{}}', '{}'],
    [
      'the last of duplicated members',
      '{"payload":{"first":1},"payload":{"last":2}}',
      '{"last":2}',
    ],
    ['an escaped key', '{"pay\\u006coad":{"k":true}}', '{"k":true}'],
    ['a non-object payload', '{"payload":"text"}', '"text"'],
  ])('finds the exact text of %s', (_case, body, expected) => {
    expect(locatePayloadText(body)).toBe(expected);
  });

  it.each([
    ['no payload member', '{"eventType":"a"}'],
    ['a nested payload only', '{"data":{"payload":{}}}'],
    ['a key that only contains payload', '{"payloads":{}, "xpayload": 1}'],
    ['an empty object', '{ }'],
    ['a top-level array', '[{"payload":{}}]'],
  ])('finds nothing in a body with %s', (_case, body) => {
    expect(locatePayloadText(body)).toBeUndefined();
  });

  it('finds text that parses to the parsed payload, for any generated JSON object', () => {
    fc.assert(
      fc.property(ws, objectText, ws, (before, object, after) => {
        const body = `${before}${object}${after}`;
        const parsed: unknown = JSON.parse(body);
        const text = locatePayloadText(body);
        if (isObject(parsed) && Object.hasOwn(parsed, 'payload')) {
          expect(text).toBeDefined();
          expect(JSON.parse(text as string)).toEqual(parsed.payload);
        } else {
          expect(text).toBeUndefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('returns exactly the text written for the last payload member', () => {
    fc.assert(
      fc.property(
        fc.array(memberText, { maxLength: 3 }),
        valueText,
        ws,
        fc.array(
          memberText.filter((m) => !Object.hasOwn(JSON.parse(`{${m}}`) as object, 'payload')),
          { maxLength: 3 },
        ),
        (before, payload, space, after) => {
          const members = [...before, `"payload":${space}${payload}${space}`, ...after];
          expect(locatePayloadText(`{${members.join(',')}}`)).toBe(payload);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('locateBatchPayloadTexts', () => {
  it('finds the text of every message payload, in order', () => {
    const body =
      '{ "messages" : [ {"payload": {"n": 1e400}} , {"eventType":"a","payload":[1]}, 7, {"x":{}} ] }';
    expect(locateBatchPayloadTexts(body)).toEqual(['{"n": 1e400}', '[1]', undefined, undefined]);
  });

  it.each([
    ['no messages member', '{"payload":{}}'],
    ['messages that is not an array', '{"messages":{"payload":{}}}'],
    ['a top-level array', '[{"payload":{}}]'],
  ])('finds nothing in a body with %s', (_case, body) => {
    expect(locateBatchPayloadTexts(body)).toBeUndefined();
  });

  it('uses the last messages member, as JSON.parse does', () => {
    expect(
      locateBatchPayloadTexts('{"messages":[{"payload":1}],"messages":[{"payload":2},{}]}'),
    ).toEqual(['2', undefined]);
  });

  it('finds text that parses to each parsed payload, for any generated batch', () => {
    fc.assert(
      fc.property(
        fc.array(memberText, { maxLength: 2 }),
        fc.array(fc.tuple(ws, fc.oneof(objectText, valueText), ws), { maxLength: 5 }),
        ws,
        fc.array(memberText, { maxLength: 2 }),
        (before, elements, space, after) => {
          const messages = elements.length
            ? `[${elements.map((e) => e.join('')).join(',')}]`
            : `[${space}]`;
          const body = `{${[...before, `"messages":${space}${messages}`, ...after].join(',')}}`;
          const parsed = JSON.parse(body) as { messages: unknown };
          const texts = locateBatchPayloadTexts(body);
          if (!Array.isArray(parsed.messages)) {
            expect(texts).toBeUndefined();
            return;
          }
          expect(texts).toHaveLength(parsed.messages.length);
          parsed.messages.forEach((message: unknown, i) => {
            if (isObject(message) && Object.hasOwn(message, 'payload'))
              expect(JSON.parse(texts?.[i] as string)).toEqual(message.payload);
            else expect(texts?.[i]).toBeUndefined();
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
