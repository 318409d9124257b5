import { findUnstorableValue, jsonDepthExceeds, MAX_JSON_DEPTH } from './json-input-rules';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('jsonDepthExceeds', () => {
  it.each([
    ['a flat object', '{"a":1}', false],
    [`${MAX_JSON_DEPTH} levels`, nested(MAX_JSON_DEPTH), false],
    [`${MAX_JSON_DEPTH + 1} levels`, nested(MAX_JSON_DEPTH + 1), true],
    ['10,000 levels', nested(10_000), true],
    ['brackets inside a string', `{"a":"${'['.repeat(100)}"}`, false],
    ['an escaped quote inside a string', `{"a":"\\"${'{'.repeat(100)}"}`, false],
    [
      'depth split between objects and arrays',
      '{"a":'.repeat(40) + nested(30) + '}'.repeat(40),
      true,
    ],
  ])('%s', (_case, text, expected) => {
    expect(jsonDepthExceeds(text)).toBe(expected);
  });
});

describe('findUnstorableValue', () => {
  it.each([
    ['a NUL in a string', { name: 'a\u0000b' }, 'name', 'NUL'],
    ['a lone high surrogate', { a: { b: '\ud800' } }, 'a.b', 'surrogate'],
    ['a lone low surrogate in an array', { list: ['ok', 'x\udc00'] }, 'list[1]', 'surrogate'],
    ['a NUL in a key', { meta: { 'k\u0000': 1 } }, 'meta', 'key'],
    ['a number out of range (1e400)', { metadata: { n: Infinity } }, 'metadata.n', 'finite'],
  ])('refuses %s, naming the field', (_case, value, field, rule) => {
    const problem = findUnstorableValue(value);

    expect(problem).toEqual({ field, message: expect.stringContaining(rule) });
  });

  it.each([
    ['plain values', { a: 'text', b: 1.5, c: [true, null] }],
    ['a surrogate pair (an emoji)', { a: '😀' }],
    ['other control characters', { a: 'tab\there' }],
  ])('accepts %s', (_case, value) => {
    expect(findUnstorableValue(value)).toBeNull();
  });

  it('leaves out a skipped subtree', () => {
    const sut = (value: unknown) => findUnstorableValue(value, (f) => f === 'payload');

    expect(sut({ payload: { a: '\u0000' }, eventType: 'x' })).toBeNull();
  });
});
