import { describe, expect, it } from 'vitest';
import { tokenExpiresAt } from './tokenExpiry';

const jwt = (payload: object) =>
  ['{"alg":"none"}', JSON.stringify(payload), ''].map((p) => Buffer.from(p).toString('base64url')).join('.');

describe('tokenExpiresAt', () => {
  it('reads exp of a JWT in milliseconds', () => {
    expect(tokenExpiresAt(jwt({ sub: 'x', exp: 1_900_000_000 }))).toBe(1_900_000_000_000);
  });
  it('knows nothing of opaque tokens or JWTs without exp', () => {
    expect(tokenExpiresAt('a1b2c3')).toBeUndefined();
    expect(tokenExpiresAt(jwt({ sub: 'x' }))).toBeUndefined();
  });
});
