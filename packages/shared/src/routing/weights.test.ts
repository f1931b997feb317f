import { describe, expect, it } from 'vitest';
import { applyPreset, rebalance, validateWeights } from './weights';

describe('validateWeights', () => {
  it('accepts whole numbers summing to 100 over existing subsets', () => {
    expect(validateWeights({ v1: 50, v3: 50 }, ['v1', 'v2', 'v3'])).toEqual([]);
    expect(validateWeights({ v1: 100, v2: 0 }, ['v1', 'v2'])).toEqual([]);
  });

  it('names the field for a fraction, a negative or a too-large weight', () => {
    expect(validateWeights({ v1: 50.5, v2: 49.5 }, ['v1', 'v2']).map((i) => [i.field, i.code])).toEqual([
      ['weights.v1', 'not_integer'],
      ['weights.v2', 'not_integer'],
    ]);
    expect(validateWeights({ v1: -10, v2: 110 }, ['v1', 'v2']).map((i) => [i.field, i.code])).toEqual([
      ['weights.v1', 'out_of_range'],
      ['weights.v2', 'out_of_range'],
    ]);
  });

  it('reports the sum with its value', () => {
    expect(validateWeights({ v1: 80, v2: 10 })).toEqual([
      { field: 'weights', code: 'bad_sum', message: 'weights: must add up to 100, they add up to 90.' },
    ]);
  });

  it('reports a subset that does not exist, listing those that do', () => {
    expect(validateWeights({ v1: 50, v9: 50 }, ['v1', 'v2'])).toEqual([
      {
        field: 'weights.v9',
        code: 'unknown_subset',
        message: 'weights.v9: no subset "v9"; the service has v1, v2.',
      },
    ]);
  });

  it('refuses an empty set and non-numbers', () => {
    expect(validateWeights({})[0]?.code).toBe('empty');
    expect(validateWeights({ v1: Number.NaN, v2: 100 })[0]).toMatchObject({
      field: 'weights.v1',
      code: 'not_integer',
    });
  });
});

describe('rebalance', () => {
  it('moves the difference to the other subset of two', () => {
    expect(rebalance({ v1: 80, v2: 20 }, 'v2', 50)).toEqual({ v1: 50, v2: 50 });
  });

  it('spreads the difference over the unlocked rows in proportion, keeping whole numbers', () => {
    expect(rebalance({ v1: 50, v2: 30, v3: 20 }, 'v1', 0)).toEqual({ v1: 0, v2: 60, v3: 40 });
    expect(rebalance({ v1: 100, v2: 0, v3: 0 }, 'v1', 99)).toEqual({ v1: 99, v2: 1, v3: 0 });
    expect(rebalance({ v1: 100, v2: 0, v3: 0 }, 'v1', 0)).toEqual({ v1: 0, v2: 50, v3: 50 });
    expect(rebalance({ a: 34, b: 33, c: 33 }, 'a', 0)).toEqual({ a: 0, b: 50, c: 50 });
  });

  it('leaves locked rows alone and caps the change at what they leave', () => {
    const locks = new Set(['v3']);
    expect(rebalance({ v1: 50, v2: 20, v3: 30 }, 'v1', 60, locks)).toEqual({ v1: 60, v2: 10, v3: 30 });
    expect(rebalance({ v1: 50, v2: 20, v3: 30 }, 'v1', 90, locks)).toEqual({ v1: 70, v2: 0, v3: 30 });
  });

  it('gives the only unlocked row exactly what is left', () => {
    expect(rebalance({ v1: 70, v2: 30 }, 'v1', 10, new Set(['v2']))).toEqual({ v1: 70, v2: 30 });
  });

  it('clamps and rounds the typed value', () => {
    expect(rebalance({ v1: 50, v2: 50 }, 'v1', 140)).toEqual({ v1: 100, v2: 0 });
    expect(rebalance({ v1: 50, v2: 50 }, 'v1', 33.6)).toEqual({ v1: 34, v2: 66 });
  });

  it('always sums to 100 from a valid start', () => {
    const start = { a: 10, b: 20, c: 30, d: 40 };
    for (let v = 0; v <= 100; v += 7) {
      const out = rebalance(start, 'b', v, new Set(['d']));
      expect(Object.values(out).reduce((s, x) => s + x, 0)).toBe(100);
    }
  });
});

describe('applyPreset', () => {
  const subsets = ['v1', 'v2', 'v3'];
  it('uses the first subset as stable and the last as canary by default', () => {
    expect(applyPreset('90-10', subsets)).toEqual({ v1: 90, v2: 0, v3: 10 });
    expect(applyPreset('all-canary', subsets)).toEqual({ v1: 0, v2: 0, v3: 100 });
  });
  it('takes the stable and canary the person picked', () => {
    expect(applyPreset('50-50', subsets, 'v1', 'v2')).toEqual({ v1: 50, v2: 50, v3: 0 });
    expect(applyPreset('all-stable', subsets, 'v2', 'v3')).toEqual({ v1: 0, v2: 100, v3: 0 });
  });
  it('gives everything to a single subset', () => {
    expect(applyPreset('90-10', ['v1'])).toEqual({ v1: 100 });
  });
});
