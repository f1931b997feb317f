import { describe, expect, it } from 'vitest';
import { exposureProblem, isLoopbackHost } from './exposure';

const base = { auth: 'anonymous', readOnly: false, allowAnonymousWrites: false };

describe('exposureProblem', () => {
  it('allows anonymous writes on loopback only', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(exposureProblem({ ...base, host })).toBeUndefined();
    }
  });
  it('refuses a non-loopback address with anonymous writes, and says how to go on', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'sextant.example.com']) {
      expect(exposureProblem({ ...base, host })).toMatch(
        /^Refusing to listen on .* --read-only.*--auth token\|openid\|header.*--allow-anonymous-writes\.$/,
      );
    }
  });
  it('accepts it read-only, signed-in, or when the flag says so', () => {
    const host = '0.0.0.0';
    expect(exposureProblem({ ...base, host, readOnly: true })).toBeUndefined();
    expect(exposureProblem({ ...base, host, auth: 'token' })).toBeUndefined();
    expect(exposureProblem({ ...base, host, allowAnonymousWrites: true })).toBeUndefined();
  });
});
