import { describe, expect, it } from 'vitest';
import { failureFlagSummary, flagWords } from './flags';

describe('response flags in words', () => {
  it('explains each flag of a value', () => {
    expect(flagWords('FI')).toBe('fault injected abort');
    expect(flagWords('URX,UC')).toBe('retry limit exceeded; upstream connection terminated');
    expect(flagWords('UO')).toBe('circuit breaker overflow');
    expect(flagWords('-')).toBe('no flag');
  });
  it('summarizes an edge’s flags, most frequent first, without the no-flag bucket', () => {
    expect(failureFlagSummary({ '-': 10, UT: 1, FI: 4 })).toBe(
      'FI (fault injected abort), UT (upstream request timeout)',
    );
    expect(failureFlagSummary({ '-': 10 })).toBe('');
    expect(failureFlagSummary(undefined)).toBe('');
  });
});
