import { describe, expect, it } from 'vitest';
import { humanDuration } from './table';

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [170 * 60_000, '170m'],
    [3 * 3600_000 + 30 * 60_000, '3h30m'],
    [10 * 3600_000, '10h'],
    [3 * 86400_000 + 2 * 3600_000, '3d2h'],
    [30 * 86400_000, '30d'],
    [3 * 365 * 86400_000 + 86400_000, '3y1d'],
  ])('%i ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
