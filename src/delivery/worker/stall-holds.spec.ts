import { EARLY_RELEASE_MIN_MS, StallHolds } from './stall-holds';

const HOLD_MS = 15_000;

describe('StallHolds', () => {
  it('holds an endpoint the first time it is seen stalled', () => {
    const sut = new StallHolds(HOLD_MS);
    expect(sut.changes(['ep_a'], 0)).toEqual({ hold: ['ep_a'], unhold: [] });
  });

  it('does not move its rows again while the hold lasts', () => {
    const sut = new StallHolds(HOLD_MS);
    sut.changes(['ep_a'], 0);
    expect(sut.changes(['ep_a'], HOLD_MS - 1)).toEqual({ hold: [], unhold: [] });
  });

  it('holds it again when it is still stalled as the hold runs out', () => {
    const sut = new StallHolds(HOLD_MS);
    sut.changes(['ep_a'], 0);
    expect(sut.changes(['ep_a'], HOLD_MS)).toEqual({ hold: ['ep_a'], unhold: [] });
  });

  it('lets an endpoint that answers again go early, naming how long its rows were held', () => {
    const sut = new StallHolds(HOLD_MS);
    sut.changes(['ep_a'], 0);
    expect(sut.changes([], 2_000)).toEqual({ hold: [], unhold: [['ep_a', HOLD_MS]] });
  });

  it('forgets a hold nearly over without an UPDATE to end it early', () => {
    const sut = new StallHolds(HOLD_MS);
    sut.changes(['ep_a'], 0);
    expect(sut.changes([], HOLD_MS - EARLY_RELEASE_MIN_MS + 1)).toEqual({ hold: [], unhold: [] });
    // Forgotten: stalled again later, it is held afresh.
    expect(sut.changes(['ep_a'], HOLD_MS + 1).hold).toEqual(['ep_a']);
  });

  it('keeps endpoints apart', () => {
    const sut = new StallHolds(HOLD_MS);
    sut.changes(['ep_a'], 0);
    expect(sut.changes(['ep_b'], 1_000)).toEqual({
      hold: ['ep_b'],
      unhold: [['ep_a', HOLD_MS]],
    });
  });
});
