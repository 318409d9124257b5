import { ALLOWANCE_TTL_MS, chunkFor, LocalAllowance, msUntilToken } from './rate-allowance';

describe('chunkFor', () => {
  it.each([
    { rate: 20, wanted: 16, chunk: 2 },
    { rate: 20, wanted: 1, chunk: 1 },
    { rate: 1, wanted: 16, chunk: 1 },
    { rate: 1000, wanted: 16, chunk: 16 },
    { rate: 1000, wanted: 500, chunk: 100 },
  ])('rate $rate/s, $wanted wanted: asks for $chunk', ({ rate, wanted, chunk }) => {
    expect(chunkFor(rate, wanted)).toBe(chunk);
  });
});

describe('msUntilToken', () => {
  it.each([
    { left: 0, rate: 1, ms: 1000 },
    { left: 0.5, rate: 1, ms: 500 },
    { left: 0, rate: 20, ms: 50 },
    { left: 0.9, rate: 20, ms: 50 },
    { left: 3, rate: 20, ms: 50 },
  ])('$left left at $rate/s: next try in $ms ms', ({ left, rate, ms }) => {
    expect(msUntilToken(left, rate)).toBe(ms);
  });
});

describe('LocalAllowance', () => {
  it('spends what was added', () => {
    const sut = new LocalAllowance();
    sut.add('ep', 3, 0);
    sut.spend('ep', 2, 10);
    expect(sut.available('ep', 10)).toBe(1);
  });

  it('gives unused tokens up after the TTL', () => {
    const sut = new LocalAllowance();
    sut.add('ep', 3, 0);
    expect(sut.available('ep', ALLOWANCE_TTL_MS)).toBe(0);
  });

  it('has nothing for an endpoint it never got tokens for', () => {
    expect(new LocalAllowance().available('ep', 0)).toBe(0);
  });
});
