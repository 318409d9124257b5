import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  const perMinute = (capacity: number, maxKeys?: number) =>
    new TokenBuckets({ capacity, periodMs: 60_000, maxKeys });

  it('allows a burst up to the capacity', () => {
    const sut = perMinute(3);

    const results = [1, 2, 3].map(() => sut.take('a', 0).allowed);

    expect(results).toEqual([true, true, true]);
  });

  it('refuses beyond the capacity with the seconds until the next token', () => {
    const sut = perMinute(3);
    [1, 2, 3].forEach(() => sut.take('a', 0));

    expect(sut.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it('refills over time', () => {
    const sut = perMinute(3);
    [1, 2, 3].forEach(() => sut.take('a', 0));

    expect(sut.take('a', 20_000).allowed).toBe(true);
  });

  it('never refills above the capacity', () => {
    const sut = perMinute(2);
    sut.take('a', 0);

    const results = [1, 2, 3].map(() => sut.take('a', 3_600_000).allowed);

    expect(results).toEqual([true, true, false]);
  });

  it('keeps a bucket per key', () => {
    const sut = perMinute(1);
    sut.take('a', 0);

    expect(sut.take('b', 0).allowed).toBe(true);
  });

  it('forgets idle buckets when it holds too many keys', () => {
    const sut = perMinute(1, 2);
    sut.take('a', 0);
    sut.take('b', 0);

    sut.take('c', 120_000);

    expect(sut.size).toBe(1);
  });

  it('forgets idle buckets before draining ones when it holds too many keys', () => {
    const sut = perMinute(1, 2);
    sut.take('idle', 0);
    sut.take('draining', 59_000);

    sut.take('new', 61_000);

    expect(sut.take('draining', 61_000).allowed).toBe(false);
  });

  it('never holds more than maxKeys buckets', () => {
    const sut = perMinute(1, 2);

    ['a', 'b', 'c', 'd'].forEach((key) => sut.take(key, 0));

    expect(sut.size).toBe(2);
  });
});
