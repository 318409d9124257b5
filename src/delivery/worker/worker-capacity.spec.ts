import { PayloadBudget, workerCapacity } from './worker-capacity';

describe('workerCapacity', () => {
  it.each([
    // concurrency, batch, minClaim, claimCapacity, recorderLimit
    [512, 500, 250, 762, 1024],
    [64, 50, 25, 89, 128],
    [1, 500, 1, 2, 1000],
    [16, 1, 1, 17, 32],
  ])(
    'concurrency %i, batch %i → minClaim %i, claimCapacity %i, recorderLimit %i',
    (concurrency, batch, minClaim, claimCapacity, recorderLimit) => {
      const sut = workerCapacity(concurrency, batch);
      expect(sut).toEqual({
        minClaim,
        claimCapacity,
        recorderLimit,
        maxUnrecorded: claimCapacity + recorderLimit,
      });
    },
  );
});

describe('PayloadBudget', () => {
  const MiB = 1024 * 1024;

  it('starts from the worst case: the budget divided by the largest payload', () => {
    const sut = new PayloadBudget(64 * MiB, 256 * 1024);
    expect(sut.rows()).toBe(256);
  });

  it('allows at least one row, however large the payload', () => {
    const sut = new PayloadBudget(1 * MiB, 8 * MiB);
    expect(sut.rows()).toBe(1);
  });

  it('learns small payloads from claims and allows more rows', () => {
    const sut = new PayloadBudget(64 * MiB, 256 * 1024);
    for (let i = 0; i < 30; i++) sut.observe(500 * 1024, 500);
    expect(sut.rows()).toBeGreaterThan(60_000);
  });

  it('shrinks again when large payloads arrive', () => {
    const sut = new PayloadBudget(64 * MiB, 1024);
    sut.observe(100 * 200 * 1024, 100);
    expect(sut.rows()).toBeLessThan(64 * 1024);
    for (let i = 0; i < 30; i++) sut.observe(100 * 200 * 1024, 100);
    expect(sut.rows()).toBe(Math.floor((64 * MiB) / (200 * 1024)));
  });

  it('ignores empty claims', () => {
    const sut = new PayloadBudget(64 * MiB, 256 * 1024);
    sut.observe(0, 0);
    expect(sut.rows()).toBe(256);
  });

  it('counts a row as at least 256 bytes', () => {
    const sut = new PayloadBudget(1 * MiB, 256);
    for (let i = 0; i < 30; i++) sut.observe(0, 100);
    expect(sut.rows()).toBe(4096);
  });
});
