import { workerCapacity } from './worker-capacity';

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
