import { GoneEndpoints } from './gone-endpoints';

describe('GoneEndpoints', () => {
  it.each([
    ['an endpoint never marked', null, 0, false],
    ['just marked', 0, 0, true],
    ['within the hold', 0, 999, true],
    ['once the hold has passed', 0, 1_000, false],
  ])('%s: gone = %s', (_case, markedAt, now, expected) => {
    const sut = new GoneEndpoints(1_000);
    if (markedAt !== null) sut.markGone('ep_1', markedAt);

    expect([sut.isGone('ep_1', now), sut.addTo(new Set(), now).has('ep_1')]).toEqual([
      expected,
      expected,
    ]);
  });

  it('holds each endpoint apart', () => {
    const sut = new GoneEndpoints(1_000);
    sut.markGone('ep_1', 0);

    expect(sut.isGone('ep_2', 10)).toBe(false);
  });
});
