import { idFloorAt, isId, newId, ulid } from './ids';

/*
 * ulid() is monotonic: a time at or before the latest one it has used (the real clock's, from
 * the first test on) is clamped to that one, and only the random part grows. Tests about time
 * therefore use times beyond the real clock, later in each test than in the one before.
 */
const FUTURE = 3_000_000_000_000; // 2065

/** The 10-character time part of a ULID made at `ms` (when not clamped). */
function timePart(ms: number): string {
  return idFloorAt('msg', ms).slice('msg_'.length, 'msg_'.length + 10);
}

describe('prefixed ids', () => {
  it('carry the prefix and a 26-character ULID', () => {
    const sut = newId('app');
    expect(sut).toMatch(/^app_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId('app', sut)).toBe(true);
    expect(isId('ep', sut)).toBe(false);
  });

  it('sort in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => ulid(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });

  it('draw fresh randomness for every new millisecond, across many pool refills', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => ulid(FUTURE + i));
    expect(ids.map((id) => id.slice(0, 10))).toEqual(ids.map((_, i) => timePart(FUTURE + i)));
    expect(new Set(ids.map((id) => id.slice(10))).size).toBe(2000);
  });

  it('sort by time across milliseconds', () => {
    const t = FUTURE + 100_000;
    const earlier = ulid(t + 1);
    const later = ulid(t + 5000);
    expect([earlier.slice(0, 10), later.slice(0, 10)]).toEqual([
      timePart(t + 1),
      timePart(t + 5000),
    ]);
    expect(earlier < later).toBe(true);
  });

  it('have a floor below every id of the same millisecond', () => {
    const t = FUTURE + 200_000;
    expect(idFloorAt('msg', t) <= newId('msg', t)).toBe(true);
    expect(idFloorAt('msg', t + 1) > newId('msg', t)).toBe(true);
  });
});
