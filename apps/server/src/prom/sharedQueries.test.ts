import { describe, expect, it, vi } from 'vitest';
import { SharedQueries } from './sharedQueries';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SharedQueries', () => {
  it('rounds the evaluation time down to the bucket', () => {
    let t = 1_700_000_004_999;
    const s = new SharedQueries<number>(5_000, () => t);
    expect(s.evaluationTime()).toBe(1_700_000_000);
    t = 1_700_000_005_000;
    expect(s.evaluationTime()).toBe(1_700_000_005);
  });

  it('sends identical queries in flight once and keeps the answer for the bucket', async () => {
    const s = new SharedQueries<string>(5_000);
    const d = deferred<string>();
    const send = vi.fn(() => d.promise);
    const all = Promise.all(Array.from({ length: 100 }, () => s.get('q', 10, send)));
    d.resolve('answer');
    expect(await all).toEqual(Array.from({ length: 100 }, () => 'answer'));
    expect(await s.get('q', 10, send)).toBe('answer');
    expect(send).toHaveBeenCalledTimes(1);
    expect(s.stats()).toEqual({ hits: 1, misses: 1, inFlightJoins: 99, hitRate: 100 / 101, entries: 1 });
  });

  it('asks again for another query, another bucket, and after a failure', async () => {
    const s = new SharedQueries<string>(5_000);
    const send = vi.fn((v: string) => Promise.resolve(v));
    await s.get('a', 10, () => send('a10'));
    await s.get('b', 10, () => send('b10'));
    expect(await s.get('a', 15, () => send('a15'))).toBe('a15');
    expect(send).toHaveBeenCalledTimes(3);
    // Older buckets are dropped once a newer one is asked for.
    expect(s.stats().entries).toBe(1);
    await expect(s.get('c', 15, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await s.get('c', 15, () => send('c15'))).toBe('c15');
  });

  it('lets one caller stop waiting without failing the others', async () => {
    const s = new SharedQueries<string>(5_000);
    const d = deferred<string>();
    const aborter = new AbortController();
    const first = s.get('q', 10, () => d.promise, aborter.signal);
    const second = s.get('q', 10, () => d.promise);
    aborter.abort(new Error('caller left'));
    await expect(first).rejects.toThrow('caller left');
    d.resolve('answer');
    await expect(second).resolves.toBe('answer');
  });
});
