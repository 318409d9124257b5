import { AcceptedKeys, bearerToken } from './constant-time';

describe('AcceptedKeys', () => {
  const sut = new AcceptedKeys(['sk_first-key-0123456789', 'sk_second-key-0123456789']);

  it.each([
    ['the first key', 'sk_first-key-0123456789', true],
    ['the second key (rotation)', 'sk_second-key-0123456789', true],
    ['another key', 'sk_third-key-0123456789', false],
    ['a prefix of a key', 'sk_first-key', false],
    ['a key with more after it', 'sk_first-key-0123456789x', false],
    ['the empty string', '', false],
  ])('%s → %s', (_case, presented, expected) => {
    expect(sut.matches(presented)).toBe(expected);
  });

  it('accepts nothing when no key is configured', () => {
    expect(new AcceptedKeys([]).matches('')).toBe(false);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer a b', undefined],
    ['Bearer', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
