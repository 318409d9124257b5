import { claimLimit, fifoScanRows, PayloadBudget, workerCapacity } from './worker-capacity';

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

describe('claimLimit', () => {
  // concurrency 64, batch 50: minClaim 25, claimCapacity 89, recorderLimit 128
  const capacity = workerCapacity(64, 50);

  it.each([
    // budget rows, backlog, unrecorded, limit
    [10_000, 0, 0, 50], // empty: a whole batch
    [10_000, 60, 0, 29], // what is left of the capacity
    [10_000, 64, 0, 25], // exactly minClaim left
    [10_000, 65, 0, 0], // less than minClaim left while work is held: wait
    [10_000, 89, 0, 0], // full
    [10_000, 0, 128, 50], // unrecorded results up to the recorder's limit do not count
    [10_000, 0, 100 + 128, 0], // beyond it they do: 89 - 100 < 0
    [10_000, 0, 70 + 128, 19], // nothing held: any free room is claimed
    [10_000, 40, 30 + 128, 0], // 89 - 40 - 30 = 19 < minClaim
    [30, 0, 0, 30], // the payload budget lowers the capacity
    [30, 16, 0, 0], // and minClaim with it: at most half of it (15); 14 left
    [30, 15, 0, 15],
    [1, 0, 0, 1], // one row, however large
    [1, 1, 0, 0],
  ])(
    'budget %i rows, backlog %i, unrecorded %i → claim %i',
    (budgetRows, backlog, unrecorded, limit) => {
      expect(claimLimit(capacity, 50, budgetRows, backlog, unrecorded)).toBe(limit);
    },
  );
});

describe('fifoScanRows', () => {
  it.each([
    [1, 32],
    [16, 32],
    [17, 34],
    [500, 1000],
  ])('a claim of up to %i heads looks at %i due rows', (limit, scan) => {
    expect(fifoScanRows(limit)).toBe(scan);
  });
});
