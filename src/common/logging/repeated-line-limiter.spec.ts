import { RepeatedLineLimiter } from './repeated-line-limiter';

describe('RepeatedLineLimiter', () => {
  const WINDOW = 10_000;

  it.each([
    ['the first line of a kind', [], 0, { write: true, suppressed: 0 }],
    ['a repeat within the window', [0], 9_999, { write: false }],
    ['a repeat once the window has passed', [0], 10_000, { write: true, suppressed: 0 }],
    [
      'the line after a window of repeats, with their count',
      [0, 1, 2, 3],
      10_001,
      { write: true, suppressed: 3 },
    ],
  ])('%s', (_case, earlier: number[], now: number, expected) => {
    const sut = new RepeatedLineLimiter(WINDOW);
    for (const time of earlier) sut.decide('error|Filter|database unavailable', time);

    expect(sut.decide('error|Filter|database unavailable', now)).toEqual(expected);
  });

  it('counts each kind apart', () => {
    const sut = new RepeatedLineLimiter(WINDOW);
    sut.decide('error|A|x', 0);

    expect(sut.decide('error|B|x', 1)).toEqual({ write: true, suppressed: 0 });
  });
});
