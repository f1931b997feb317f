import { describe, expect, it } from 'vitest';
import { SingleFlightCache } from './singleFlightCache';

describe('SingleFlightCache', () => {
  it('runs one load for a burst of callers and serves the answer until it expires', async () => {
    let now = 1000;
    const cache = new SingleFlightCache<number>(30_000, 100, () => now);
    let loads = 0;
    const load = async () => {
      loads += 1;
      await Promise.resolve();
      return loads;
    };
    const burst = await Promise.all(Array.from({ length: 20 }, () => cache.get('u', load)));
    expect(loads).toBe(1);
    expect(new Set(burst)).toEqual(new Set([1]));
    now += 29_999;
    expect(await cache.get('u', load)).toBe(1);
    now += 1;
    expect(await cache.get('u', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('does not cache a failure', async () => {
    const cache = new SingleFlightCache<string>(30_000);
    await expect(cache.get('u', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('u', () => Promise.resolve('up'))).toBe('up');
  });

  it('keeps at most maxEntries keys', async () => {
    const cache = new SingleFlightCache<number>(30_000, 3);
    for (let i = 0; i < 10; i++) await cache.get(`k${i}`, () => Promise.resolve(i));
    expect(cache.peek('k9')).toBe(9);
    expect(cache.peek('k0')).toBeUndefined();
  });
});
