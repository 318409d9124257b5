import { SendPermits, type SendPermit } from './send-permit';

const NOW = new Date(Date.UTC(2030, 0, 1));

class FixedPermit implements SendPermit {
  consumed = 0;
  constructor(private readonly limit: number) {}
  available(_endpointId: string, wanted: number): number {
    return Math.min(wanted, this.limit - this.consumed);
  }
  consume(_endpointId: string, count: number): void {
    this.consumed += count;
  }
}

describe('SendPermits', () => {
  it.each([
    { limits: [], wanted: 5, granted: 5 },
    { limits: [3], wanted: 5, granted: 3 },
    { limits: [3, 1], wanted: 5, granted: 1 },
    { limits: [0, 4], wanted: 5, granted: 0 },
  ])('grants the smallest offer of $limits for $wanted wanted', ({ limits, wanted, granted }) => {
    const sut = new SendPermits();
    for (const limit of limits) sut.register(new FixedPermit(limit));
    expect(sut.take('ep', wanted, NOW)).toBe(granted);
  });

  it('consumes only what was granted from every permit', () => {
    const sut = new SendPermits();
    const a = new FixedPermit(3);
    const b = new FixedPermit(1);
    sut.register(a);
    sut.register(b);
    sut.take('ep', 5, NOW);
    expect([a.consumed, b.consumed]).toEqual([1, 1]);
  });

  it('tells subscribers when capacity comes back', () => {
    const sut = new SendPermits();
    let calls = 0;
    sut.onAvailable(() => calls++);
    sut.signalAvailable();
    expect(calls).toBe(1);
  });
});
