import { compileBoundedRegex, type BoundedRegex } from './bounded-regex';

function compiled(pattern: string, options = ''): BoundedRegex {
  const result = compileBoundedRegex(pattern, options);
  if (!result.ok) throw new Error(result.message);
  return result.regex;
}

describe('compileBoundedRegex sharing', () => {
  it('gives filters with the same pattern and options one compiled regex', () => {
    expect(compiled('@example\\.com$', 'i')).toBe(compiled('@example\\.com$', 'i'));
  });

  it('keeps patterns with other options apart', () => {
    const sut = [compiled('^abc$'), compiled('^abc$', 'i')];
    expect(sut[0]).not.toBe(sut[1]);
    expect(sut.map((r) => r.test('ABC'))).toEqual([false, true]);
  });

  it.each([
    [
      ['a@example.com', 'a@example.org', 'a@example.com', 'a@example.com'],
      [true, false, true, true],
    ],
    [
      ['x', 'x', 'b@example.com', 'x'],
      [false, false, true, false],
    ],
  ])('answers every value of %j correctly, repeated or not', (values, expected) => {
    const sut = compiled('@example\\.com$');
    expect(values.map((v) => sut.test(v))).toEqual(expected);
  });
});
