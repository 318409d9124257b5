import { honoursRetryAfter, parseRetryAfterSeconds } from './retry-after';

describe('parseRetryAfterSeconds', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  it.each([
    ['delta seconds', '120', 120],
    ['delta seconds with spaces', ' 30 ', 30],
    ['zero', '0', 0],
    ['an HTTP date 90 s ahead', 'Tue, 01 Jan 2030 00:01:30 GMT', 90],
    ['an HTTP date in the past', 'Mon, 31 Dec 2029 23:00:00 GMT', 0],
    ['the first of several values', ['5', '10'], 5],
  ])('reads %s', (_case, value, expected) => {
    expect(parseRetryAfterSeconds(value, now)).toBe(expected);
  });

  it.each([
    ['absent', undefined],
    ['negative', '-5'],
    ['a fraction', '1.5'],
    ['garbage', 'soon'],
    ['empty', ''],
  ])('ignores %s', (_case, value) => {
    expect(parseRetryAfterSeconds(value, now)).toBeNull();
  });
});

describe('honoursRetryAfter', () => {
  it.each([
    [429, true],
    [503, true],
    [500, false],
    [200, false],
  ])('%i → %s', (status, expected) => {
    expect(honoursRetryAfter(status)).toBe(expected);
  });
});
