import fc from 'fast-check';
import {
  eventTypeMatchesPattern,
  parseEventTypePattern,
  validateEventTypePattern,
} from './event-type-pattern';

const eventTypeSegment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const eventTypeName = fc
  .array(eventTypeSegment, { minLength: 1, maxLength: 6 })
  .map((segments) => segments.join('.'));

describe('validateEventTypePattern', () => {
  const sut = validateEventTypePattern;

  it.each([
    ['*', 'everything'],
    ['invoice', 'a one-segment exact type'],
    ['billing.invoice.paid', 'an exact type'],
    ['user_profile.updated-v2', 'underscores, dashes and digits'],
    ['billing.*', 'a one-segment prefix'],
    ['billing.invoice.*', 'a deeper prefix'],
    ['a'.repeat(254) + '.*', 'exactly 256 characters'],
  ])('accepts %s (%s)', (pattern) => {
    expect(sut(pattern)).toBeNull();
  });

  it.each([
    ['', /must not be empty/],
    ['a'.repeat(257), /at most 256 characters/],
    ['a'.repeat(255) + '.*', /at most 256 characters/],
    ['**', /"\*\*" is not supported/],
    ['a.**', /"\*\*" is not supported/],
    ['a..b', /empty segments/],
    ['.a', /empty segments/],
    ['a.', /empty segments/],
    ['.', /empty segments/],
    ['a.*.c', /whole last segment/],
    ['*.a', /whole last segment/],
    ['a.b*', /whole last segment/],
    ['a*', /whole last segment/],
    ['a b', /event type name/],
    ['billing.inv$oice', /event type name/],
    ['bill ing.*', /prefix before "\.\*"/],
  ])('rejects %j with a message naming the rule', (pattern, rule) => {
    expect(sut(pattern)).toMatch(rule);
  });
});

describe('parseEventTypePattern', () => {
  const sut = parseEventTypePattern;

  it.each([
    ['*', { kind: 'all' }],
    ['a.b.*', { kind: 'prefix', prefix: 'a.b' }],
    ['a.b', { kind: 'exact', eventType: 'a.b' }],
    ['a.*.b', null],
  ])('parses %s', (pattern, expected) => {
    expect(sut(pattern)).toEqual(expected);
  });
});

describe('eventTypeMatchesPattern', () => {
  const sut = eventTypeMatchesPattern;

  it.each([
    ['*', 'a'],
    ['*', 'a.b.c'],
    ['a.b', 'a.b'],
    ['a.b.*', 'a.b.c'],
    ['a.b.*', 'a.b.c.d'],
    ['a.*', 'a.b'],
  ])('%s matches %s', (pattern, eventType) => {
    expect(sut(pattern, eventType)).toBe(true);
  });

  it.each([
    ['a.b', 'a.b.c', 'an exact pattern does not match children'],
    ['a.b', 'a', 'an exact pattern does not match parents'],
    ['a.b', 'A.b', 'names are case-sensitive'],
    ['a.b.*', 'a.b', 'a prefix does not match itself'],
    ['a.b.*', 'a.bc', 'a prefix matches whole segments only'],
    ['a.b.*', 'a.bc.d', 'a prefix matches whole segments only, deeper'],
    ['a.b.*', 'x.a.b.c', 'a prefix is anchored at the start'],
    ['a.*.c', 'a.b.c', 'an invalid pattern matches nothing'],
    ['', '', 'an empty pattern matches nothing'],
  ])('%s does not match %s (%s)', (pattern, eventType) => {
    expect(sut(pattern, eventType)).toBe(false);
  });

  it('"*" matches every valid event type name', () => {
    fc.assert(fc.property(eventTypeName, (name) => sut('*', name)));
  });

  it('"x.*" never matches x itself but matches every child of x', () => {
    fc.assert(
      fc.property(eventTypeName, eventTypeSegment, (name, child) => {
        return !sut(`${name}.*`, name) && sut(`${name}.*`, `${name}.${child}`);
      }),
    );
  });

  it('an exact name is a valid pattern that matches only itself', () => {
    fc.assert(
      fc.property(eventTypeName, eventTypeName, (pattern, other) => {
        return (
          validateEventTypePattern(pattern) === null &&
          sut(pattern, pattern) &&
          sut(pattern, other) === (pattern === other)
        );
      }),
    );
  });
});
