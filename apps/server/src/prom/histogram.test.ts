import { describe, expect, it } from 'vitest';
import { histogramQuantile } from './histogram';

describe('histogramQuantile', () => {
  const buckets = [
    { le: 10, count: 50 },
    { le: 50, count: 90 },
    { le: 100, count: 100 },
    { le: Infinity, count: 100 },
  ];
  it('interpolates inside the bucket', () => {
    expect(histogramQuantile(0.5, buckets)).toBe(10);
    expect(histogramQuantile(0.7, buckets)).toBe(30);
    expect(histogramQuantile(0.95, buckets)).toBe(75);
  });
  it('answers the highest finite bound from the +Inf bucket', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 10, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(10);
  });
  it('is null without observations', () => {
    expect(
      histogramQuantile(0.5, [
        { le: 10, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNull();
  });
});
