import { jest } from '@jest/globals';
import { ExpiringLoadCache } from './expiring-load-cache';

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ExpiringLoadCache', () => {
  let now: number;
  let sut: ExpiringLoadCache<string>;
  beforeEach(() => {
    now = 1_000;
    sut = new ExpiringLoadCache<string>(30_000, () => now);
  });

  it('shares one load between concurrent gets of a key', async () => {
    const load = jest.fn(() => Promise.resolve('v'));
    const [a, b] = await Promise.all([sut.get('k', load), sut.get('k', load)]);
    expect([a, b]).toEqual(['v', 'v']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('serves the cached value while it is younger than the max age', async () => {
    const load = jest.fn(() => Promise.resolve('v'));
    await sut.get('k', load);
    now += 29_999;
    await sut.get('k', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reloads once the max age has passed', async () => {
    const load = jest.fn(() => Promise.resolve('v'));
    await sut.get('k', load);
    now += 30_000;
    await sut.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps keys apart', async () => {
    await sut.get('a', () => Promise.resolve('A'));
    expect(await sut.get('b', () => Promise.resolve('B'))).toBe('B');
  });

  it('reloads after delete', async () => {
    await sut.get('k', () => Promise.resolve('old'));
    sut.delete('k');
    expect(await sut.get('k', () => Promise.resolve('new'))).toBe('new');
  });

  it('reloads after clear', async () => {
    await sut.get('k', () => Promise.resolve('old'));
    sut.clear();
    expect(sut.size).toBe(0);
    expect(await sut.get('k', () => Promise.resolve('new'))).toBe('new');
  });

  it('does not let a load that was running during delete overwrite the newer one', async () => {
    const slow = deferred<string>();
    const stale = sut.get('k', () => slow.promise);
    sut.delete('k');
    const fresh = await sut.get('k', () => Promise.resolve('fresh'));
    slow.resolve('stale');
    await stale;
    await flush();
    expect(fresh).toBe('fresh');
    expect(await sut.get('k', () => Promise.resolve('unexpected'))).toBe('fresh');
  });

  it('does not keep a failed load', async () => {
    await expect(sut.get('k', () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    await flush();
    expect(await sut.get('k', () => Promise.resolve('ok'))).toBe('ok');
  });

  it('without retain, shares the running load but forgets it once settled', async () => {
    const slow = deferred<string>();
    const load = jest.fn(() => slow.promise);
    const both = Promise.all([sut.get('k', load, false), sut.get('k', load, false)]);
    slow.resolve('v');
    await both;
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    expect(sut.size).toBe(0);
  });
});
