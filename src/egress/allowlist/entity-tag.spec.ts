import { ifNoneMatchHits, weakEntityTag } from './entity-tag';

describe('weakEntityTag', () => {
  it('is the same for the same content', () => {
    expect(weakEntityTag('["203.0.113.10"]')).toBe(weakEntityTag('["203.0.113.10"]'));
  });

  it('differs for different content', () => {
    expect(weakEntityTag('["203.0.113.10"]')).not.toBe(weakEntityTag('["203.0.113.11"]'));
  });

  it('is a quoted weak tag', () => {
    expect(weakEntityTag('x')).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
  });
});

describe('ifNoneMatchHits', () => {
  const etag = 'W/"abc"';

  it.each([
    ['the same tag', 'W/"abc"'],
    ['the strong form of the tag (weak comparison)', '"abc"'],
    ['the tag within a list', '"zzz", W/"abc"'],
    ['a wildcard', '*'],
  ])('matches %s', (_case, header) => {
    expect(ifNoneMatchHits(header, etag)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another tag', '"abd"'],
    ['an unquoted tag', 'abc'],
  ])('does not match %s', (_case, header) => {
    expect(ifNoneMatchHits(header, etag)).toBe(false);
  });
});
