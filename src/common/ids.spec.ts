import { idFloorAt, isId, newId, ulid } from './ids';

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
    // Later than the ids of the tests before, earlier than those after (ids are monotonic).
    const start = 1_750_000_000_000;
    const randomParts = Array.from({ length: 2000 }, (_, i) => ulid(start + i).slice(10));
    expect(new Set(randomParts).size).toBe(2000);
  });

  it('sort by time across milliseconds', () => {
    expect(ulid(1_700_000_000_001) > ulid(1_700_000_000_000 + 5000)).toBe(false);
  });

  it('have a floor below every id of the same millisecond', () => {
    const t = 1_800_000_000_000;
    expect(idFloorAt('msg', t) <= newId('msg', t)).toBe(true);
    expect(idFloorAt('msg', t + 1) > newId('msg', t)).toBe(true);
  });
});
